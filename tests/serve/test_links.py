"""The routes a secret link opens without a session: calendar feeds and the pulse form."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from shadow.core import directory, feeds, pulse
from shadow.core.models import SURVEY_DIMENSIONS
from shadow.serve.server import ShadowServer
from shadow.serve.sessions import (
    ADDRESS_FAILURES,
    FORM_MAX_AGE,
    PULSE_POSTS_PER_ADDRESS,
    WINDOW,
    FormTokens,
    RateLimiter,
    Throttle,
)

from .conftest import COORD, PASSWORDS, STAFF, Clock


@pytest.fixture
def wall():
    return Clock(1_800_000_000.0)


@pytest.fixture
async def client(served_db, clock, wall):
    server = ShadowServer(
        served_db,
        host="127.0.0.1",
        port=0,
        limiter=RateLimiter(clock),
        bad_links=Throttle(ADDRESS_FAILURES, clock=clock),
        pulse_posts=Throttle(PULSE_POSTS_PER_ADDRESS, clock=clock),
        forms=FormTokens(clock=wall),
    )
    app = await server._make_app()
    async with TestClient(TestServer(app)) as test_client:
        test_client.shadow = server
        yield test_client


def answers_of(store, department: str) -> list[dict]:
    """The pulse answers of one department (the sample has some for two others)."""
    dept = directory.find_department(store, department)
    return store.find(pulse.ANSWERS, department_id=dept.id)


def feed_for(client, name: str) -> str:
    store = client.shadow.store
    return feeds.issue(store, COORD, directory.find_person(store, name))


def pulse_link(client, department: str = "Makerspace") -> str:
    return pulse.issue_link(client.shadow.store, COORD, department)


# ------------------------------------------------------------------ calendar feeds
async def test_feed_needs_no_session_and_is_a_calendar(client):
    token = feed_for(client, STAFF)
    response = await client.get(f"/calendar/{token}.ics")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-cache" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in response.headers
    calendar = Calendar.from_ical(await response.read())
    events = list(calendar.walk("VEVENT"))
    assert events
    staff = directory.find_person(client.shadow.store, STAFF)
    assert all(
        any(STAFF in str(a.params.get("CN")) for a in (e.get("ATTENDEE") or [])) for e in events
    ), staff


async def test_revoked_replaced_unknown_and_malformed_feeds_are_the_same_404(client):
    store = client.shadow.store
    staff = directory.find_person(store, STAFF)
    old = feed_for(client, STAFF)
    new = feed_for(client, STAFF)
    answers = []
    for path in (f"/calendar/{old}.ics", "/calendar/nothing.ics", "/calendar/%00%ff.ics"):
        response = await client.get(path)
        answers.append((response.status, await response.text()))
    assert (await client.get(f"/calendar/{new}.ics")).status == 200
    feeds.revoke(store, COORD, staff)  # revoking works at once, in the running server
    response = await client.get(f"/calendar/{new}.ics")
    answers.append((response.status, await response.text()))
    assert {status for status, _ in answers} == {404}
    assert len({body for _, body in answers}) == 1


async def test_other_routes_still_need_a_session(client):
    token = feed_for(client, STAFF)
    assert (await client.get(f"/calendar/{token}")).status == 401  # not the feed route
    assert (await client.get(f"/calendar/{token}.ics/x")).status == 401
    assert (await client.get("/ws")).status == 401
    response = await client.get("/", allow_redirects=False)
    assert response.status == 303


async def test_guessing_feeds_is_rate_limited_by_address(client, clock):
    token = feed_for(client, STAFF)
    for n in range(ADDRESS_FAILURES):
        assert (await client.get(f"/calendar/guess{n}.ics")).status == 404
    response = await client.get(f"/calendar/{token}.ics")  # even a right one must wait
    assert response.status == 429 and int(response.headers["Retry-After"]) > 0
    assert (await client.get(f"/pulse/{pulse_link(client)}")).status == 429
    clock.now += WINDOW + 1
    assert (await client.get(f"/calendar/{token}.ics")).status == 200


# ------------------------------------------------------------------ the pulse
def form_fields(page: str) -> dict[str, str]:
    csrf = re.search(r"name='csrf' value='([^']+)'", page).group(1)
    fields = {"csrf": csrf, "comment": "<b>[red]More like this[/]</b>"}
    for i in range(len(SURVEY_DIMENSIONS)):
        fields[f"e{i}"] = "4"
        fields[f"p{i}"] = "3"
    return fields


async def test_pulse_form_and_answer_without_a_session_or_cookie(client):
    token = pulse_link(client)
    response = await client.get(f"/pulse/{token}")
    assert response.status == 200 and "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"  # the link goes nowhere else
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "form-action 'self'" in policy
    assert "script" not in (await response.text()).lower()
    page = await response.text()
    assert "Makerspace" in page and "Anonymous" in page
    for dim in SURVEY_DIMENSIONS:
        assert dim in page
    response = await client.post(f"/pulse/{token}", data=form_fields(page))
    assert response.status == 200 and "Thank you" in await response.text()
    assert "Set-Cookie" not in response.headers
    store = client.shadow.store
    store.refresh()
    (doc,) = answers_of(store, "Makerspace")
    assert doc["comment"] == "<b>[red]More like this[/]</b>"
    assert doc["created_by"] == "anonymous pulse" and doc["created"].endswith("T00:00:00+00:00")
    assert "127.0.0.1" not in repr(doc) and "Python" not in repr(doc)  # no address, no agent


async def test_a_signed_in_persons_pulse_answer_is_still_anonymous(client):
    from .test_http import sign_in

    assert (await sign_in(client, STAFF, PASSWORDS[STAFF])).status == 303
    token = pulse_link(client)
    page = await (await client.get(f"/pulse/{token}")).text()
    assert (await client.post(f"/pulse/{token}", data=form_fields(page))).status == 200
    store = client.shadow.store
    store.refresh()
    (doc,) = answers_of(store, "Makerspace")
    assert STAFF not in repr(doc) and STAFF not in repr(store.audit(pulse.ANSWERS))


async def test_pulse_needs_its_form_token_once_and_fresh(client, wall):
    token = pulse_link(client)
    page = await (await client.get(f"/pulse/{token}")).text()
    fields = form_fields(page)
    forged = dict(fields, csrf="1800000000.abc.def")
    assert (await client.post(f"/pulse/{token}", data=forged)).status == 403
    evil = {"Origin": "https://evil.example"}
    assert (await client.post(f"/pulse/{token}", data=fields, headers=evil)).status == 403
    assert (await client.post(f"/pulse/{token}", data=fields)).status == 200
    assert (await client.post(f"/pulse/{token}", data=fields)).status == 403  # replayed
    other = pulse_link(client, "Technical Services")
    page = await (await client.get(f"/pulse/{token}")).text()
    # a token for one link does not post to another
    other_page = await (await client.get(f"/pulse/{other}")).text()
    assert (await client.post(f"/pulse/{token}", data=form_fields(other_page))).status == 403
    wall.now += FORM_MAX_AGE + 1
    assert (await client.post(f"/pulse/{token}", data=form_fields(page))).status == 403
    store = client.shadow.store
    store.refresh()
    assert len(answers_of(store, "Makerspace")) == 1


async def test_bad_pulse_answer_is_400_and_keeps_what_was_typed(client):
    token = pulse_link(client)
    page = await (await client.get(f"/pulse/{token}")).text()
    fields = dict(form_fields(page), p3="9", comment="typed <script>")
    response = await client.post(f"/pulse/{token}", data=fields)
    assert response.status == 400
    text = await response.text()
    assert "needs a score from 1 to 5" in text and "typed &lt;script&gt;" in text
    assert "<script>" not in text


async def test_revoked_pulse_link_is_404_for_form_and_answer(client):
    token = pulse_link(client)
    page = await (await client.get(f"/pulse/{token}")).text()
    pulse.revoke_link(client.shadow.store, COORD, "Makerspace")
    assert (await client.get(f"/pulse/{token}")).status == 404
    assert (await client.post(f"/pulse/{token}", data=form_fields(page))).status == 404
    assert (await client.get("/pulse/unknown")).status == 404


async def test_pulse_answers_are_rate_limited_by_address(client, clock):
    token = pulse_link(client)
    for _ in range(PULSE_POSTS_PER_ADDRESS):
        page = await (await client.get(f"/pulse/{token}")).text()
        assert (await client.post(f"/pulse/{token}", data=form_fields(page))).status == 200
    page = await (await client.get(f"/pulse/{token}")).text()
    response = await client.post(f"/pulse/{token}", data=form_fields(page))
    assert response.status == 429 and int(response.headers["Retry-After"]) > 0
    clock.now += WINDOW + 1
    assert (await client.post(f"/pulse/{token}", data=form_fields(page))).status == 200


def test_throttle_and_form_tokens_forget_what_has_expired(clock, wall):
    throttle = Throttle(2, window=60, clock=clock)
    throttle.hit("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") == 0
    throttle.hit("10.0.0.1")
    assert 0 < throttle.retry_after("10.0.0.1") <= 61
    assert throttle.retry_after("10.0.0.2") == 0
    clock.now += 61
    assert throttle.retry_after("10.0.0.1") == 0
    assert throttle._events == {}  # nothing kept for quiet addresses
    forms = FormTokens(clock=wall)
    token = forms.make("link")
    assert not forms.check("other link", token)  # tied to its link
    assert forms.check("link", token) and not forms.check("link", token)  # once
    assert forms._used
    wall.now += FORM_MAX_AGE + 1
    fresh = forms.make("link")
    assert not forms.check("link", fresh[:-1] + ("1" if fresh.endswith("0") else "0"))
    assert forms.check("link", forms.make("link"))
    assert len(forms._used) == 1  # the expired nonce was forgotten
    for bad in ("", "x", "a.b.c", "1.2.3.4", "١٢.x.y"):
        assert not forms.check("link", bad)


def test_app_processes_learn_where_the_server_is_reached(served_db, monkeypatch):
    from aiohttp.test_utils import make_mocked_request

    from shadow.serve.server import _SessionApp

    async def nothing(*_):
        return None

    server = ShadowServer(served_db, public_url="https://shadow.library.example")
    request = make_mocked_request("GET", "/ws", headers={"Host": "evil.example"})
    environment = server._app_environment(None, request)
    assert environment["SHADOW_PUBLIC_URL"] == "https://shadow.library.example"
    monkeypatch.setenv("SHADOW_PUBLIC_URL", "https://the-servers-own.example")
    service = _SessionApp(
        "true", write_bytes=nothing, write_str=nothing, close=nothing,
        download_manager=None, environment=environment,
    )  # fmt: skip
    built = service._build_environment()
    assert built["SHADOW_PUBLIC_URL"] == "https://shadow.library.example"
    assert built["SHADOW_SERVED"] == "open"
