"""Sign-in over HTTP: refusals, rate limit, cookie flags, CSRF, sessions, binding rules."""

from __future__ import annotations

import re
import subprocess

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from shadow.cli import main
from shadow.core import access, directory, sample
from shadow.core.store import Store
from shadow.serve import server as served
from shadow.serve.server import ServeError, ShadowServer
from shadow.serve.sessions import ACCOUNT_FAILURES, ADDRESS_FAILURES, WINDOW, RateLimiter

from .conftest import COORD, PASSWORDS, STAFF, VIEWER


@pytest.fixture
async def client(served_db, clock):
    server = ShadowServer(served_db, host="127.0.0.1", port=0, limiter=RateLimiter(clock))
    app = await server._make_app()
    async with TestClient(TestServer(app)) as test_client:
        test_client.shadow = server
        yield test_client


async def csrf_of(client) -> str:
    response = await client.get("/login")
    assert response.status == 200
    return re.search(r"name='csrf' value='([^']+)'", await response.text()).group(1)


async def sign_in(client, name, password, *, csrf=None, headers=None):
    token = csrf if csrf is not None else await csrf_of(client)
    return await client.post(
        "/login",
        data={"name": name, "password": password, "csrf": token},
        allow_redirects=False,
        headers=headers or {},
    )


def signins(client) -> list[dict]:
    store = client.shadow.store
    store.refresh()
    return store.all("signins")


async def test_nothing_but_the_sign_in_page_without_a_session(client):
    response = await client.get("/", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"
    for path in ("/ws", "/download/abc"):
        assert (await client.get(path)).status == 401
    assert (await client.get("/static/js/textual.js")).status == 200
    page = await (await client.get("/login")).text()
    assert "name='name'" in page and "name='password'" in page and "name='csrf'" in page


async def test_wrong_password_and_unknown_account_are_401_and_audited(client):
    response = await sign_in(client, STAFF, "not the password")
    assert response.status == 401
    assert "Wrong name or password." in await response.text()
    assert "shadow_session" not in response.cookies
    response = await sign_in(client, "Nobody Here", "whatever at all")
    assert response.status == 401
    entries = signins(client)
    assert [(e["name"], e["ok"]) for e in entries] == [(STAFF, False), ("Nobody Here", False)]
    audit = client.shadow.store.audit("signins")
    assert all("refused" in a["new"] for a in audit)
    assert "not the password" not in repr(client.shadow.store.audit())


async def test_sign_in_sets_a_strict_httponly_session_cookie_and_opens_the_app(client):
    response = await sign_in(client, STAFF.upper(), PASSWORDS[STAFF])
    assert response.status == 303 and response.headers["Location"] == "/"
    cookie = next(
        h for h in response.headers.getall("Set-Cookie") if h.startswith("shadow_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    page = await client.get("/", allow_redirects=False)
    assert page.status == 200 and "textual-terminal" in await page.text()
    assert signins(client)[-1]["ok"] is True
    session = client.shadow.sessions.all()[0]
    assert client.shadow._environment(session) == {
        "SHADOW_SERVED": "signed-in",
        "SHADOW_USER": STAFF,
    }


def test_cookies_are_secure_over_tls(served_db, tmp_path):
    cert, key = _self_signed(tmp_path)
    server = ShadowServer(served_db, certfile=str(cert), keyfile=str(key))
    response = web.Response()
    server._cookie(response, "shadow_session", "x")
    header = response.cookies["shadow_session"].OutputString()
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Strict" in header
    proxied = ShadowServer(served_db, public_url="https://shadow.library.example")
    response = web.Response()
    proxied._cookie(response, "shadow_session", "x")
    assert "Secure" in response.cookies["shadow_session"].OutputString()
    with pytest.raises(ServeError, match="go together"):
        ShadowServer(served_db, certfile=str(cert))


async def test_csrf_token_and_origin_are_required(client):
    await csrf_of(client)  # sets the cookie
    assert (await sign_in(client, STAFF, PASSWORDS[STAFF], csrf="forged")).status == 403
    assert (await sign_in(client, STAFF, PASSWORDS[STAFF], csrf="")).status == 403
    token = await csrf_of(client)
    evil = {"Origin": "https://evil.example"}
    assert (await sign_in(client, STAFF, PASSWORDS[STAFF], csrf=token, headers=evil)).status == 403
    client.session.cookie_jar.clear()  # a cross-site form: right field, no cookie
    assert (await sign_in(client, STAFF, PASSWORDS[STAFF], csrf=token)).status == 403
    assert client.shadow.sessions.all() == []
    own = {"Origin": str(client.make_url("")).rstrip("/")}
    assert (await sign_in(client, STAFF, PASSWORDS[STAFF], headers=own)).status == 303


async def test_rate_limited_per_account_then_allowed_after_the_window(client, clock):
    for _ in range(ACCOUNT_FAILURES):
        assert (await sign_in(client, STAFF, "wrong")).status == 401
    response = await sign_in(client, STAFF, PASSWORDS[STAFF])  # right, but too late
    assert response.status == 429 and int(response.headers["Retry-After"]) > 0
    assert client.shadow.sessions.all() == []
    assert (await sign_in(client, VIEWER, PASSWORDS[VIEWER])).status == 303  # others unaffected
    assert signins(client)[-2]["reason"] == "rate limited"
    clock.now += WINDOW + 1
    assert (await sign_in(client, STAFF, PASSWORDS[STAFF])).status == 303


async def test_rate_limited_per_address(client):
    for n in range(ADDRESS_FAILURES):
        assert (await sign_in(client, f"guess {n}", "wrong")).status == 401
    assert (await sign_in(client, COORD, PASSWORDS[COORD])).status == 429


async def test_sign_out_needs_its_token_and_ends_the_session(client):
    assert (await sign_in(client, VIEWER, PASSWORDS[VIEWER])).status == 303
    page = await (await client.get("/logout")).text()
    token = re.search(r"name='csrf' value='([^']+)'", page).group(1)
    assert (await client.post("/logout", data={"csrf": "forged"})).status == 403
    response = await client.post("/logout", data={"csrf": token})
    assert response.status == 200 and "Signed out" in await response.text()
    assert client.shadow.sessions.all() == []
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_a_download_belongs_to_its_session(client):
    assert (await sign_in(client, VIEWER, PASSWORDS[VIEWER])).status == 303
    assert (await client.get("/download/not-yours")).status == 404


async def test_removed_account_cannot_open_an_app(client):
    assert (await sign_in(client, VIEWER, PASSWORDS[VIEWER])).status == 303
    with Store(client.shadow.db) as other_process:
        access.remove_account(other_process, COORD, VIEWER)
    started = []
    original = served._SessionApp.start
    served._SessionApp.start = lambda self, w, h: started.append(self)  # must not be reached
    try:
        assert (await client.get("/ws")).status == 401
    finally:
        served._SessionApp.start = original
    assert started == []


async def test_cross_site_websocket_refused(client):
    assert (await sign_in(client, STAFF, PASSWORDS[STAFF])).status == 303
    response = await client.get("/ws", headers={"Origin": "https://evil.example"})
    assert response.status == 403


def test_non_loopback_bind_without_accounts_is_refused(tmp_path, capsys):
    db = tmp_path / "s.json"
    with Store(db) as store:
        sample.load_sample(store, directory.SETUP_ACTOR)
    for host in ("0.0.0.0", "192.168.1.20", "::"):
        with pytest.raises(ServeError, match="no coordinator account"):
            ShadowServer(db, host=host)
    assert main(["--db", str(db), "serve", "--host", "0.0.0.0", "--port", "0"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("shadow: error: refusing to serve on 0.0.0.0")
    ShadowServer(db, host="127.0.0.1")  # loopback: allowed (open, like the desktop)


async def test_loopback_without_accounts_is_open_like_the_desktop(tmp_path):
    db = tmp_path / "s.json"
    with Store(db) as store:
        sample.load_sample(store, directory.SETUP_ACTOR)
    server = ShadowServer(db, host="127.0.0.1")
    app = await server._make_app()
    async with TestClient(TestServer(app)) as test_client:
        response = await test_client.get("/", allow_redirects=False)
        assert response.status == 200
        assert server._environment(None) == {"SHADOW_SERVED": "open"}
        with Store(db) as other:
            access.add_account(other, COORD, COORD, "coordinator", "long enough")
        response = await test_client.get("/", allow_redirects=False)
        assert response.status == 303  # the first account turns sign-in on


def test_core_never_imports_the_web_server():
    from pathlib import Path

    import shadow.core

    for path in Path(shadow.core.__path__[0]).glob("*.py"):
        text = path.read_text("utf-8")
        for name in ("aiohttp", "textual_serve", "selenium"):
            assert f"import {name}" not in text and f"from {name}" not in text, path


def test_limiter_and_sessions_forget_what_has_expired(clock, monkeypatch):
    from shadow.serve import sessions as module

    monkeypatch.setattr(module, "PRUNE_ABOVE", 10)
    limiter = RateLimiter(clock)
    for n in range(12):
        limiter.failed(f"name {n}", f"10.0.0.{n}")
    clock.now += WINDOW + 1
    limiter.failed("one more", "10.0.1.1")
    assert len(limiter._failures) == 2
    table = module.Sessions(clock)
    old = table.start("A", 1, "staff")
    clock.now += module.IDLE_SECONDS + 1
    table.start("B", 2, "staff")
    assert [s.name for s in table.all()] == ["B"] and table.get(old.token) is None


def _self_signed(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_shadow_serve_over_tls_end_to_end(served_db, tmp_path):
    import ssl
    import urllib.request

    from .browser import Served

    cert, key = _self_signed(tmp_path)
    server = Served(served_db, "--certfile", str(cert), "--keyfile", str(key))
    try:
        context = ssl.create_default_context(cafile=str(cert))
        with urllib.request.urlopen(
            f"https://127.0.0.1:{server.port}/login", context=context
        ) as response:
            assert response.status == 200
            cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("shadow_csrf=")
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    finally:
        server.stop()


def test_unusable_certificate_is_one_line(served_db, tmp_path, capsys):
    missing = str(tmp_path / "nope.pem")
    code = main(["--db", str(served_db), "serve", "--certfile", missing, "--keyfile", missing])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith(f"shadow: error: cannot use {missing}")
