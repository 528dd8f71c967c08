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


def gap(survey: Survey) -> float:
    """Mean of expectation - perception over the dimensions."""
    return mean(survey.expectation[d] - survey.perception[d] for d in SURVEY_DIMENSIONS)


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


def report(store: Store, since: datetime | None = None) -> list[DepartmentGap]:
    depts = {d["id"]: d["name"] for d in store.all(Department.TABLE)}
    grouped: dict[int, list[Survey]] = defaultdict(list)
    for doc in store.all(Survey.TABLE):
        s = Survey.from_doc(doc)
        if since and from_iso(s.answered) < since:
            continue
        grouped[s.department_id].append(s)
    out = []
    for did, surveys in sorted(grouped.items(), key=lambda kv: depts.get(kv[0], "")):
        months: dict[str, list[float]] = defaultdict(list)
        gaps = [gap(s) for s in surveys]  # (each once: a mean of exact fractions)
        for s, g in zip(surveys, gaps, strict=True):
            months[s.answered[:7]].append(g)
        before = [g for s, g in zip(surveys, gaps, strict=True) if s.phase == "before"]
        after = [g for s, g in zip(surveys, gaps, strict=True) if s.phase == "after"]
        out.append(
            DepartmentGap(
                department=depts.get(did, f"#{did}"),
                by_month={m: round(mean(v), 2) for m, v in sorted(months.items())},
                by_dimension={
                    d: round(mean(s.expectation[d] - s.perception[d] for s in surveys), 2)
                    for d in SURVEY_DIMENSIONS
                },
                before=round(mean(before), 2) if before else None,
                after=round(mean(after), 2) if after else None,
                responses=len(surveys),
            )
        )
    return out


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
