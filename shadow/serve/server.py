"""``shadow serve``: the TUI in browsers, behind a sign-in, on textual-serve's aiohttp server.

textual-serve starts one app process per browser websocket and has no sign-in of
its own. :class:`ShadowServer` subclasses its ``Server`` and puts, on the same
aiohttp application:

- ``/login`` (GET form, POST ``name``, ``password``, ``csrf``) and ``/logout``;
- a middleware that lets nothing but ``/login`` and the static files through
  without a session, so no app process starts before a person has signed in;
- ``/calendar/<token>.ics`` (a person's private calendar feed) and ``/pulse/<token>``
  (a department's anonymous survey form), the only routes besides these that need no
  session: the secret link is the permission. Wrong links answer 404 alike and count
  against the address (429 past the limit); the pulse form has an anti-forgery token
  tied to the link and the time, never to a person, and sets no cookie;
- the websocket handler, which starts ``python -m shadow --db DB`` with
  ``SHADOW_USER`` set to the signed-in person and ``SHADOW_SERVED=signed-in`` (the
  app then refuses ``w``), and the download handler, which hands a file only to
  the session whose app made it.

Sessions live in this process's memory: restarting the server signs everyone out.
Refused sign-ins answer 401 (429 when rate-limited) and are audited.

(Over 500 lines: sign-in, the secret-link routes and the app websocket share one aiohttp
application and its session checks.)
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import shlex
import ssl
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from shadow.core import access, feeds, pulse
from shadow.core.models import SURVEY_DIMENSIONS
from shadow.core.store import Store

from . import pages
from .sessions import (
    ADDRESS_FAILURES,
    APPS_PER_SESSION,
    PULSE_POSTS_PER_ADDRESS,
    FormTokens,
    RateLimiter,
    Session,
    Sessions,
    Throttle,
    new_token,
    same,
)

log = logging.getLogger("shadow.serve")

SESSION_COOKIE = "shadow_session"
CSRF_COOKIE = "shadow_csrf"
NAME_MAX = 200
PASSWORD_MAX = 1024
SESSION = web.RequestKey("shadow_session", object)  # the request's Session, or None (open)
# The routes a secret link opens without a session (nothing else below them).
OPEN_LINKS = re.compile(r"/(calendar/[^/]+\.ics|pulse/[^/]+)")


class ServeError(Exception):
    """Why ``shadow serve`` will not start, in one line."""


def is_loopback(host: str) -> bool:
    if host.strip().casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def ssl_context(certfile: str | None, keyfile: str | None) -> ssl.SSLContext | None:
    if not certfile and not keyfile:
        return None
    if not (certfile and keyfile):
        raise ServeError("--certfile and --keyfile go together (give both, or neither)")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as exc:
        raise ServeError(f"cannot use {certfile} / {keyfile}: {exc}") from None
    return context


class _SessionApp(AppService):
    """One app process, acting as the person signed in to the session that started it."""

    def __init__(self, *args: Any, environment: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._environment = environment

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        # The server's own identity must never leak into a browser session.
        for key in ("SHADOW_USER", "SHADOW_SERVED", "SHADOW_DB", "SHADOW_PUBLIC_URL"):
            environment.pop(key, None)
        environment.update(self._environment)
        return environment


class ShadowServer(Server):
    """textual-serve's server with sign-in, sessions and roles in front of it."""

    def __init__(
        self,
        db: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        certfile: str | None = None,
        keyfile: str | None = None,
        public_url: str | None = None,
        sessions: Sessions | None = None,
        limiter: RateLimiter | None = None,
        bad_links: Throttle | None = None,
        pulse_posts: Throttle | None = None,
        forms: FormTokens | None = None,
    ):
        command = f"{shlex.quote(sys.executable)} -m shadow --db {shlex.quote(str(db))}"
        self.ssl = ssl_context(certfile, keyfile)
        super().__init__(command, host=host, port=port, title="shadow", public_url=public_url)
        self.fixed_public_url = public_url
        self.db = db
        self.store = Store(db)
        self.loopback = is_loopback(host)
        self.sessions = sessions or Sessions()
        self.limiter = limiter or RateLimiter()
        # Wrong feed or pulse links per address (guessing), and pulse answers per address.
        self.bad_links = bad_links or Throttle(ADDRESS_FAILURES)
        self.pulse_posts = pulse_posts or Throttle(PULSE_POSTS_PER_ADDRESS)
        self.forms = forms or FormTokens()
        # The store and scrypt are blocking: one worker thread keeps them off the event loop
        # and in order.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shadow-serve")
        if not self.loopback and not self._has_coordinator():
            raise ServeError(
                f"refusing to serve on {host}: sign-in is required off this machine and "
                "there is no coordinator account yet "
                "(shadow user add NAME --role coordinator)"
            )

    # ------------------------------------------------------------ helpers
    def _has_coordinator(self) -> bool:
        return any(a.role == "coordinator" for a in access.accounts(self.store))

    async def _in_worker(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._worker, fn, *args)

    def _open_mode(self) -> bool:
        """Loopback with no accounts: like the desktop app, no sign-in (see the README)."""
        if not self.loopback:
            return False
        self.store.refresh(wait=True)
        return not access.has_accounts(self.store)

    def _origin(self, request: web.Request) -> str:
        if self.fixed_public_url:
            return self.fixed_public_url.rstrip("/")
        return f"{request.scheme}://{request.host}"

    def _same_origin(self, request: web.Request) -> bool:
        """A browser names the page a form or websocket came from; it must be ours."""
        origin = request.headers.get("Origin")
        if origin is None or origin == "null":
            return origin is None  # no Origin at all: not a browser's cross-site request
        return origin.rstrip("/") == self._origin(request)

    def _cookie(self, response: web.StreamResponse, name: str, value: str) -> None:
        # Secure whenever browsers reach us over https: our own TLS, or a proxy's (--public-url).
        secure = self.ssl is not None or (self.fixed_public_url or "").startswith("https:")
        response.set_cookie(name, value, httponly=True, samesite="Strict", secure=secure, path="/")

    @staticmethod
    def _address(request: web.Request) -> str:
        return request.remote or "unknown"

    # ------------------------------------------------------------ the application
    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        app.router.add_get("/login", self.handle_login_form)
        app.router.add_post("/login", self.handle_login)
        app.router.add_get("/logout", self.handle_logout_form)
        app.router.add_post("/logout", self.handle_logout)
        app.router.add_get("/calendar/{name}", self.handle_calendar)
        app.router.add_get("/pulse/{token}", self.handle_pulse_form)
        app.router.add_post("/pulse/{token}", self.handle_pulse_answer)
        app.on_response_prepare.append(self._headers)
        app.on_cleanup.append(self._cleanup)
        return app

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault(
            "Referrer-Policy", "same-origin"
        )  # (no-referrer sends Origin: null)
        if request.path in ("/login", "/logout"):
            response.headers["Cache-Control"] = "no-store"
        elif OPEN_LINKS.fullmatch(request.path):
            # The token is in the path: never send it to another site, never keep a copy.
            # (The pulse form keeps "same-origin": with "no-referrer" browsers post it
            # with "Origin: null", which the origin check refuses.)
            if request.path.startswith("/calendar/"):
                response.headers["Referrer-Policy"] = "no-referrer"
            # Plain pages: no script, nothing fetched, the form posts only to itself.
            response.headers["Content-Security-Policy"] = (
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                "frame-ancestors 'none'; base-uri 'none'"
            )
            if request.path.startswith("/pulse/"):
                response.headers["Cache-Control"] = "no-store"

    async def _cleanup(self, app: web.Application) -> None:
        self._worker.shutdown(wait=False)
        self.store.close()

    @web.middleware
    async def _guard(self, request: web.Request, handler) -> web.StreamResponse:
        path = request.path
        if path in ("/login", "/logout", "/favicon.ico") or path.startswith("/static/"):
            return await handler(request)
        if OPEN_LINKS.fullmatch(path):
            request[SESSION] = None  # a secret link: no session is looked at, none is needed
            return await handler(request)
        if await self._in_worker(self._open_mode):
            request[SESSION] = None
            return await handler(request)
        session = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        if session is None:
            if request.method == "GET" and path == "/":
                raise web.HTTPSeeOther("/login")
            raise web.HTTPUnauthorized(text="Sign in first: /login")
        request[SESSION] = session
        return await handler(request)

    async def on_startup(self, app: web.Application) -> None:
        mode = (
            "sign-in required"
            if not self.loopback or access.has_accounts(self.store)
            else ("no accounts: open to this machine without sign-in")
        )
        scheme = "https" if self.ssl else "http"
        url = self.fixed_public_url or f"{scheme}://{self.host}:{self.port}"
        print(f"shadow: serving {self.db} on {url} ({mode}); ctrl+c stops", flush=True)

    # ------------------------------------------------------------ sign in and out
    async def handle_login_form(self, request: web.Request) -> web.Response:
        return self._login_response(request)

    def _login_response(
        self, request: web.Request, *, status: int = 200, name: str = "", error: str = ""
    ) -> web.Response:
        token = request.cookies.get(CSRF_COOKIE) or new_token()
        response = web.Response(
            text=pages.login_page(token, name=name, error=error),
            content_type="text/html",
            status=status,
        )
        self._cookie(response, CSRF_COOKIE, token)
        return response

    async def handle_login(self, request: web.Request) -> web.Response:
        form = await request.post()
        if not self._same_origin(request) or not same(
            request.cookies.get(CSRF_COOKIE), str(form.get("csrf", ""))
        ):
            raise web.HTTPForbidden(text="This sign-in form has expired: reload /login")
        name = str(form.get("name", ""))[:NAME_MAX].strip()
        password = str(form.get("password", ""))
        address = self._address(request)
        wait = self.limiter.retry_after(name, address)
        if wait:
            await self._in_worker(
                access.record_signin, self.store, name, address, False, "rate limited"
            )
            response = self._login_response(
                request,
                status=429,
                name=name,
                error=f"Too many failed attempts: try again in {wait // 60 + 1} minutes.",
            )
            response.headers["Retry-After"] = str(wait)
            return response
        account = None
        if name and password and len(password) <= PASSWORD_MAX:
            account = await self._in_worker(self._authenticate, name, password)
        if account is None:
            self.limiter.failed(name, address)
            await self._in_worker(
                access.record_signin, self.store, name, address, False, "wrong name or password"
            )
            return self._login_response(
                request, status=401, name=name, error="Wrong name or password."
            )
        self.limiter.succeeded(name)
        await self._in_worker(access.record_signin, self.store, account.name, address, True)
        old = self.sessions.end(request.cookies.get(SESSION_COOKIE, ""))
        if old is not None:
            await self._stop_apps(old)
        session = self.sessions.start(account.name, account.person_id, account.role)
        response = web.Response(status=303, headers={"Location": "/"})
        self._cookie(response, SESSION_COOKIE, session.token)
        response.del_cookie(CSRF_COOKIE, path="/")
        return response

    def _authenticate(self, name: str, password: str) -> access.Account | None:
        self.store.refresh(wait=True)
        return access.authenticate(self.store, name, password)

    async def handle_logout_form(self, request: web.Request) -> web.Response:
        session = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        if session is None:
            raise web.HTTPSeeOther("/login")
        return web.Response(
            text=pages.logout_page(session.csrf, session.name), content_type="text/html"
        )

    async def handle_logout(self, request: web.Request) -> web.Response:
        form = await request.post()
        session = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        if session is None:
            raise web.HTTPSeeOther("/login")
        if not self._same_origin(request) or not same(session.csrf, str(form.get("csrf", ""))):
            raise web.HTTPForbidden(text="This sign-out form has expired: reload /logout")
        self.sessions.end(session.token)
        await self._stop_apps(session)
        response = web.Response(text=pages.signed_out_page(), content_type="text/html")
        response.del_cookie(SESSION_COOKIE, path="/")
        return response

    async def _stop_apps(self, session: Session) -> None:
        for service in list(session.apps):
            await service.stop()

    # ------------------------------------------------------------ secret links (no session)
    def _throttled(self, request: web.Request, throttle: Throttle) -> None:
        wait = throttle.retry_after(self._address(request))
        if wait:
            raise web.HTTPTooManyRequests(
                text="Too many requests from this address: try again later",
                headers={"Retry-After": str(wait)},
            )

    def _not_found(self, request: web.Request) -> web.HTTPNotFound:
        """The one answer to an unknown, revoked or malformed link (and it counts)."""
        self.bad_links.hit(self._address(request))
        return web.HTTPNotFound(text=pages.not_found_page(), content_type="text/html")

    def _feed(self, token: str) -> bytes | None:
        self.store.refresh(wait=True)
        return feeds.calendar(self.store, token)

    async def handle_calendar(self, request: web.Request) -> web.Response:
        """A person's visits as iCalendar, for calendar apps (which cannot sign in)."""
        self._throttled(request, self.bad_links)
        name = request.match_info["name"]
        token = name[: -len(".ics")] if name.endswith(".ics") else ""
        body = await self._in_worker(self._feed, token)
        if body is None:
            raise self._not_found(request)
        return web.Response(
            body=body,
            headers={
                "Content-Type": "text/calendar; charset=utf-8",
                "Cache-Control": "private, no-cache",
                "Content-Disposition": 'inline; filename="shadow.ics"',
            },
        )

    def _pulse_department(self, token: str) -> str | None:
        self.store.refresh(wait=True)
        dept = pulse.department_for(self.store, token)
        return None if dept is None else dept.name

    def _pulse_page(
        self, token: str, department: str, *, status: int = 200, **kwargs: Any
    ) -> web.Response:
        return web.Response(
            text=pages.pulse_form(
                department,
                SURVEY_DIMENSIONS,
                self.forms.make(token),
                comment_max=pulse.COMMENT_MAX,
                **kwargs,
            ),
            content_type="text/html",
            status=status,
        )

    async def handle_pulse_form(self, request: web.Request) -> web.Response:
        self._throttled(request, self.bad_links)
        token = request.match_info["token"]
        department = await self._in_worker(self._pulse_department, token)
        if department is None:
            raise self._not_found(request)
        return self._pulse_page(token, department)

    def _pulse_answer(self, token: str, expectation, perception, comment: str) -> str:
        return pulse.answer(self.store, token, expectation, perception, comment).name

    async def handle_pulse_answer(self, request: web.Request) -> web.Response:
        self._throttled(request, self.bad_links)
        self._throttled(request, self.pulse_posts)
        token = request.match_info["token"]
        department = await self._in_worker(self._pulse_department, token)
        if department is None:
            raise self._not_found(request)
        self.pulse_posts.hit(self._address(request))
        form = await request.post()
        if not self._same_origin(request) or not self.forms.check(token, str(form.get("csrf", ""))):
            return self._pulse_page(
                token,
                department,
                status=403,
                error="This form has expired: please fill it in again.",
            )
        values = {
            key: str(form.get(key, ""))[: 2 * pulse.COMMENT_MAX + 1 if key == "comment" else 2]
            for key in (
                "comment",
                *(f"{side}{i}" for side in "ep" for i in range(len(SURVEY_DIMENSIONS))),
            )
        }
        expectation = {d: values[f"e{i}"] for i, d in enumerate(SURVEY_DIMENSIONS)}
        perception = {d: values[f"p{i}"] for i, d in enumerate(SURVEY_DIMENSIONS)}
        try:
            await self._in_worker(
                self._pulse_answer, token, expectation, perception, values["comment"]
            )
        except pulse.PulseError as exc:
            return self._pulse_page(token, department, status=400, values=values, error=str(exc))
        return web.Response(text=pages.pulse_thanks(department), content_type="text/html")

    # ------------------------------------------------------------ the app itself
    async def handle_index(self, request: web.Request) -> web.Response:
        origin = self._origin(request)
        ws = "wss" + origin[5:] if origin.startswith("https") else "ws" + origin[4:]
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{ws}/ws",
            "config": {"static": {"url": f"{origin}/static/"}},
            "application": {"name": "shadow"},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    def _environment(self, session: Session | None) -> dict[str, str]:
        if session is None:
            return {"SHADOW_SERVED": "open"}
        return {"SHADOW_SERVED": "signed-in", "SHADOW_USER": session.name}

    def _app_environment(self, session: Session | None, request: web.Request) -> dict[str, str]:
        """The app process's environment: who it acts as, and where this server is reached
        (the TUI's calendar feed address points there)."""
        return self._environment(session) | {"SHADOW_PUBLIC_URL": self._origin(request)}

    def _still_allowed(self, session: Session) -> bool:
        """The account may have been removed (or its person deactivated) since sign-in."""
        self.store.refresh(wait=True)
        account = access.account_for(self.store, session.name)
        return account is not None and account.person_id == session.person_id

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        session: Session | None = request.get(SESSION)
        if not self._same_origin(request):
            raise web.HTTPForbidden(text="cross-site websocket refused")
        if session is not None:
            if not await self._in_worker(self._still_allowed, session):
                self.sessions.end(session.token)
                raise web.HTTPUnauthorized(text="This account no longer exists: sign in again")
            if len(session.apps) >= APPS_PER_SESSION:
                raise web.HTTPTooManyRequests(
                    text=f"At most {APPS_PER_SESSION} shadow tabs per session: close one"
                )
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        service: _SessionApp | None = None
        try:
            await websocket.prepare(request)
            service = _SessionApp(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
                environment=self._app_environment(session, request),
            )
            if session is not None:
                session.apps.add(service)
            await service.start(width, height)
            try:
                await self._process_messages(websocket, service)
            finally:
                await service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # textual-serve's own handler logs and carries on too
            log.exception(error)
        finally:
            if service is not None:
                await service.stop()
                if session is not None:
                    session.apps.discard(service)
        return websocket

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        session: Session | None = request.get(SESSION)
        if session is not None:
            key = request.match_info["key"]
            download = self.download_manager._active_downloads.get(key)
            if download is None or download.app_service not in session.apps:
                raise web.HTTPNotFound(text="no such download")
        return await super().handle_download(request)

    # ------------------------------------------------------------ running
    def serve(self, debug: bool = False) -> None:
        self.debug = debug
        logging.basicConfig(level="DEBUG" if debug else "WARNING", format="%(message)s")
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            ssl_context=self.ssl,
            print=lambda *args: None,
            access_log=None,
        )


def run(args) -> int:
    """The ``serve`` command (see :func:`shadow.serve.register`)."""
    from shadow.cli import CliError, db_path

    try:
        server = ShadowServer(
            db_path(args),
            host=args.host,
            port=args.port,
            certfile=args.certfile,
            keyfile=args.keyfile,
            public_url=args.public_url,
        )
    except ServeError as exc:
        raise CliError(str(exc)) from None
    try:
        server.serve()
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    return 0
