"""The Dashboard's service-level figures: at-risk items for their owner, all for coordinators."""

from __future__ import annotations

from datetime import datetime

from dateutil import tz

from shadow.core import backlog, directory, sla
from shadow.core.backlog import OPEN_STATUSES
from shadow.tui.screens.dashboard import read_dashboard


def test_at_risk_count_is_the_owners_own_and_all_for_coordinators(sample_store, liaison):
    now = datetime.now(tz.UTC)
    rows = backlog.rows(sample_store, now)
    at_risk = {r.id for r in rows if r.sla == "at risk" and r.status in OPEN_STATUSES}
    # the liaison coordinates the sample programme: every at-risk suggestion counts
    assert sla.escalation_scope(sample_store, liaison) is None
    assert read_dashboard(sample_store, now, liaison).at_risk == len(at_risk)
    # an action owner sees only the suggestions whose open actions they own
    owner = directory.find_person(sample_store, "Aisha Rahman")
    scope = sla.escalation_scope(sample_store, owner)
    assert scope and all(owner.id in ids for ids in scope.values())
    mine = at_risk & set(scope)
    assert mine  # the kiosk GPO (26 days into 20 working days) is hers and at risk
    assert read_dashboard(sample_store, now, owner).at_risk == len(mine)
    assert {e.suggestion_id for e in sla.escalations(sample_store, now, owner)} <= set(scope)
