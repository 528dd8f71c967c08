"""Expectation vs perception: the host's view of IT's communication, before and after visits.

Satisfaction depends on the gap between what people expect of IT's
communication and what they perceive (the source paper cites Hornik et al.):
gap = expectation - perception, per dimension, 1-5 scales. A positive gap means
IT fell short of what was expected; zero or negative means it met or beat it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import mean
from typing import Any

from .access import guarded
from .dates import from_iso
from .directory import DirectoryError, find_department
from .models import SURVEY_DIMENSIONS, Department, Person, Survey, UserError, ValidationError, Visit
from .store import Store, now_iso


class SurveyError(UserError):
    pass


def parse_scores(text: str, what: str) -> dict[str, int]:
    """``4,4,3,5`` in the order of SURVEY_DIMENSIONS -> {dimension: score}."""
    parts = [p.strip() for p in str(text or "").replace(";", ",").split(",") if p.strip()]
    if len(parts) != len(SURVEY_DIMENSIONS) or not all(
        p.isascii() and p.isdigit() and 1 <= int(p) <= 5 for p in parts
    ):
        raise SurveyError(
            f"{what}: give {len(SURVEY_DIMENSIONS)} scores from 1 to 5, comma-separated, for "
            + ", ".join(SURVEY_DIMENSIONS)
            + f" (got {text!r})"
        )
    return dict(zip(SURVEY_DIMENSIONS, (int(p) for p in parts), strict=True))


@guarded("surveys")
def record(
    store: Store,
    actor: Person,
    department: str,
    phase: str,
    expectation: dict[str, int],
    perception: dict[str, int],
    visit_id: int | None = None,
    answered: str | None = None,
) -> int:
    try:
        dept = find_department(store, department)
    except DirectoryError as exc:
        raise SurveyError(str(exc)) from None
    if visit_id is not None and store.get(Visit.TABLE, visit_id) is None:
        raise SurveyError(f"no visit #{visit_id}")
    survey = Survey(
        department_id=dept.id,
        respondent_id=actor.id,
        phase=phase,
        visit_id=visit_id,
        expectation=expectation,
        perception=perception,
        answered=answered or now_iso(),
    )
    try:
        survey.validate()
    except ValidationError as exc:
        raise SurveyError(str(exc)) from None
    with store.transaction(actor.name) as tx:
        return tx.insert(Survey.TABLE, survey.to_doc(), summary=f"{phase} survey, {dept.name}")


def exact_mean(values: list[Any]) -> float:
    """``statistics.mean(values)``, the same value and type (an int when ints divide
    exactly), by integer arithmetic when every value is an int: ``mean`` makes a Fraction
    of each value (0.5 s of a Coverage read at 150,000 records). (int / int is correctly
    rounded, as ``mean``'s float of the exact Fraction is.)"""
    if values and all(type(v) is int for v in values):
        total, n = sum(values), len(values)
        return total // n if total % n == 0 else total / n
    return mean(values)


def _diff_sum(survey: Survey) -> int | None:
    """The sum of expectation - perception over the dimensions, if every score is an int."""
    diffs = [survey.expectation[d] - survey.perception[d] for d in SURVEY_DIMENSIONS]
    return sum(diffs) if all(type(v) is int for v in diffs) else None


# Each gap is a sum of int differences over this many dimensions: a power of two, so
# every gap is a float held exactly and a mean of gaps is a mean of exact fractions.
_DIMS = len(SURVEY_DIMENSIONS)
_EXACT_GAPS = _DIMS & (_DIMS - 1) == 0


def gap(survey: Survey) -> float:
    """Mean of expectation - perception over the dimensions."""
    return exact_mean([survey.expectation[d] - survey.perception[d] for d in SURVEY_DIMENSIONS])


def _mean_of_gaps(sums: list[int | None], gaps: list[float]) -> float:
    """``mean(gaps)`` of some surveys (each gap ``sums[i] / _DIMS``), exactly as
    ``statistics.mean`` gives it: an int if every gap is an int and their mean is whole."""
    if not _EXACT_GAPS or any(s is None for s in sums):
        return mean(gaps)
    total, n = sum(sums), len(sums) * _DIMS  # type: ignore[arg-type]
    if all(type(g) is int for g in gaps) and total % n == 0:
        return total // n
    return total / n


@dataclass
class DepartmentGap:
    department: str
    by_month: dict[str, float]  # "2026-11" -> mean gap
    by_dimension: dict[str, float]
    before: float | None
    after: float | None
    responses: int

    @property
    def change(self) -> float | None:
        """How much the gap closed after visits (positive = better)."""
        if self.before is None or self.after is None:
            return None
        return round(self.before - self.after, 2)


def report(
    store: Store, since: datetime | None = None, department_id: int | None = None
) -> list[DepartmentGap]:
    """Each department's gap (``department_id``: that one's only, as a department's card
    shows it), ordered by department name."""
    depts = {d["id"]: d["name"] for d in store.all(Department.TABLE)}
    grouped: dict[int, list[Survey]] = defaultdict(list)
    for doc in store.all(Survey.TABLE):
        if department_id is not None and doc.get("department_id") != department_id:
            continue
        s = Survey.from_doc(doc)
        if since and from_iso(s.answered) < since:
            continue
        grouped[s.department_id].append(s)
    out = []
    for did, surveys in sorted(grouped.items(), key=lambda kv: depts.get(kv[0], "")):
        out.append(_department_gap(depts.get(did, f"#{did}"), surveys))
    return out


def _department_gap(name: str, surveys: list[Survey]) -> DepartmentGap:
    months: dict[str, list[int]] = defaultdict(list)  # month -> indexes into surveys
    gaps = [gap(s) for s in surveys]  # (each once: a mean of exact fractions)
    sums = [_diff_sum(s) for s in surveys]
    for i, s in enumerate(surveys):
        months[s.answered[:7]].append(i)

    def gap_mean(indexes: list[int]) -> float:
        return _mean_of_gaps([sums[i] for i in indexes], [gaps[i] for i in indexes])

    before = [i for i, s in enumerate(surveys) if s.phase == "before"]
    after = [i for i, s in enumerate(surveys) if s.phase == "after"]
    return DepartmentGap(
        department=name,
        by_month={m: round(gap_mean(v), 2) for m, v in sorted(months.items())},
        by_dimension={
            d: round(exact_mean([s.expectation[d] - s.perception[d] for s in surveys]), 2)
            for d in SURVEY_DIMENSIONS
        },
        before=round(gap_mean(before), 2) if before else None,
        after=round(gap_mean(after), 2) if after else None,
        responses=len(surveys),
    )


def as_json(rows: list[DepartmentGap]) -> list[dict[str, Any]]:
    return [
        {
            "department": r.department,
            "responses": r.responses,
            "gap_before": r.before,
            "gap_after": r.after,
            "change": r.change,
            "by_month": r.by_month,
            "by_dimension": r.by_dimension,
        }  # fmt: skip
        for r in rows
    ]


def overall_by_month(store) -> dict[str, float]:
    """The mean gap over every survey, by month (``2026-11``)."""
    months: dict[str, list[float]] = {}
    for doc in store.all(Survey.TABLE):
        s = Survey.from_doc(doc)
        months.setdefault(s.answered[:7], []).append(gap(s))
    return {m: round(sum(v) / len(v), 2) for m, v in sorted(months.items())}
