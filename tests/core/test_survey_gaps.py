"""The survey gaps by integer arithmetic give what ``statistics.mean`` gave, value and type."""

import random
from collections import defaultdict
from statistics import mean

import pytest

from shadow.core import surveys
from shadow.core.models import SURVEY_DIMENSIONS, Survey
from shadow.core.store import Store


def reference(store: Store) -> list[surveys.DepartmentGap]:
    """The report as it was computed before: statistics.mean of every list."""
    depts = {d["id"]: d["name"] for d in store.all("departments")}
    grouped = defaultdict(list)
    for doc in store.all(Survey.TABLE):
        s = Survey.from_doc(doc)
        grouped[s.department_id].append(s)
    out = []
    for did, group in sorted(grouped.items(), key=lambda kv: depts.get(kv[0], "")):
        months = defaultdict(list)
        gaps = [mean(s.expectation[d] - s.perception[d] for d in SURVEY_DIMENSIONS) for s in group]
        for s, g in zip(group, gaps, strict=True):
            months[s.answered[:7]].append(g)
        before = [g for s, g in zip(group, gaps, strict=True) if s.phase == "before"]
        after = [g for s, g in zip(group, gaps, strict=True) if s.phase == "after"]
        out.append(
            surveys.DepartmentGap(
                department=depts.get(did, f"#{did}"),
                by_month={m: round(mean(v), 2) for m, v in sorted(months.items())},
                by_dimension={
                    d: round(mean(s.expectation[d] - s.perception[d] for s in group), 2)
                    for d in SURVEY_DIMENSIONS
                },
                before=round(mean(before), 2) if before else None,
                after=round(mean(after), 2) if after else None,
                responses=len(group),
            )
        )
    return out


def typed(rows: list[surveys.DepartmentGap]) -> list[str]:
    """Each row with its numbers' types (2 and 2.0 are different JSON)."""
    return [repr((r, {k: type(v) for k, v in vars(r).items()})) for r in rows] + [
        repr([type(v) for r in rows for v in (*r.by_month.values(), *r.by_dimension.values())])
    ]


@pytest.mark.parametrize("seed", range(6))
def test_report_matches_statistics_mean(tmp_path, seed):
    rnd = random.Random(seed)
    store = Store(tmp_path / "shadow.json")
    with store.transaction("test") as tx:
        for n in range(4):
            tx.insert("departments", {"name": f"Dept {n}", "side": "library"})
        for _ in range(rnd.randint(1, 60)):
            # few distinct scores, so that whole means (ints) happen as well as fractions
            low = rnd.choice((1, 3))
            scores = [{d: rnd.randint(low, low + 1) for d in SURVEY_DIMENSIONS} for _ in "ep"]
            if rnd.random() < 0.05:  # a hand-edited file: a score written as a float
                scores[0][SURVEY_DIMENSIONS[0]] = 2.5
            tx.insert(
                Survey.TABLE,
                {
                    "department_id": rnd.randint(1, 4),
                    "respondent_id": 1,
                    "phase": rnd.choice(("before", "after")),
                    "expectation": scores[0],
                    "perception": scores[1],
                    "answered": f"2026-{rnd.randint(1, 3):02d}-01T10:00:00+00:00",
                },
            )
    try:
        want = reference(store)
        assert typed(surveys.report(store)) == typed(want)
        one = surveys.report(store, department_id=2)
        assert typed(one) == typed([g for g in want if g.department == "Dept 1"])
    finally:
        store.close()


def test_exact_mean_is_statistics_mean():
    for values in ([2, 2], [1, 2], [2.0, 2], [1, 2.5], [-3, 1, 1], [7, 7, 7, 8]):
        got, want = surveys.exact_mean(values), mean(values)
        assert (got, type(got)) == (want, type(want))
