"""Mail delivery: the settings, the message as it goes on the wire, and the two transports.

Settings live in the database (``shadow settings KEY VALUE``): ``smtp.host``,
``smtp.port``, ``smtp.security`` (none | starttls | ssl), ``smtp.user``,
``smtp.password-file`` (the path of a file holding the password: the password
itself is never stored), ``mail.from`` and ``mail.remind-hours``. Without
``smtp.host`` messages are written as ``.eml`` files into ``outbox/`` beside the
database, one file per message, named after its Message-ID.

Everything that reaches a header is one clean line: CR, LF and other control
characters become spaces, so no text a person typed can add a header. Bodies are
``text/plain`` only (no HTML part, so markup in user text is never rendered).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

# smtplib, ssl, email.message and email.utils (which brings socket) load when an
# address is read or a message is built or sent, not with every command that saves a
# note (they cost ~25 ms of each CLI write's start, and ~40 ms on a slow host).
if TYPE_CHECKING:
    import smtplib
    from email.message import EmailMessage

from .access import guarded
from .models import UserError
from .store import Store, replace_file


def parseaddr(text: str) -> tuple[str, str]:
    """``email.utils.parseaddr``, imported when first needed."""
    from email.utils import parseaddr

    return parseaddr(text)


SECURITY = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_FROM = "shadow@localhost"
DEFAULT_REMIND_HOURS = 48
SUBJECT_MAX = 200
TIMEOUT = 30

_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_ADDRESS = re.compile(r"[^@\s<>\"',;:()\[\]\\]+@[^@\s<>\"',;:()\[\]\\]+\.[A-Za-z0-9-]+")

# key -> help shown by `shadow settings`
SETTINGS_HELP = {
    "smtp.host": "mail server; empty: write .eml files into outbox/ beside the database",
    "smtp.port": "mail server port (default 25, 587 with starttls, 465 with ssl)",
    "smtp.security": "none, starttls or ssl",
    "smtp.user": "login name at the mail server (empty: no login)",
    "smtp.password-file": "file holding the mail server password (never stored in the database)",
    "mail.from": "the coordinator's address: sender of every message and invitation organiser",
    "mail.remind-hours": "hours before a visit that its reminder goes out",
}


class MailError(UserError):
    """A setting or a delivery problem, in one line."""


class TransientError(Exception):
    """Delivery failed in a way that may pass (server down, 4xx): the message stays queued.
    ``disconnected``: the session is gone, so the run stops."""

    def __init__(self, message: str, *, disconnected: bool = False):
        super().__init__(message)
        self.disconnected = disconnected


class PermanentError(Exception):
    """The server refused this message (5xx): it is marked failed for a person to look at."""


def one_line(text: object, limit: int = SUBJECT_MAX) -> str:
    """Text safe for a header: control characters (CR/LF included) become spaces."""
    clean = " ".join(_CONTROL_LINE.sub(" ", str(text or "")).split())
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def clean_body(text: object) -> str:
    """Body text: newlines and tabs kept, every other control character dropped."""
    body = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_TEXT.sub("", body)


def valid_address(address: str) -> bool:
    return bool(_ADDRESS.fullmatch(address or ""))


@dataclass(frozen=True)
class Config:
    host: str = ""
    port: int = 0
    security: str = "none"
    user: str = ""
    password_file: str = ""
    sender: str = DEFAULT_FROM  # "Name <address>" or a bare address
    remind_hours: int = DEFAULT_REMIND_HOURS

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1] or DEFAULT_FROM

    @property
    def sender_name(self) -> str:
        return parseaddr(self.sender)[0]

    @property
    def domain(self) -> str:
        return self.sender_address.rpartition("@")[2] or "localhost"

    @property
    def target(self) -> str:
        """Where messages go, for people: ``smtp://host:port`` or ``.eml files``."""
        if self.host:
            security = "no encryption" if self.security == "none" else self.security
            return f"{self.host}:{self.port or DEFAULT_PORTS[self.security]} ({security})"
        return ".eml files"


def config(store: Store) -> Config:
    def get(key: str, default: Any) -> Any:
        value = store.setting(key, default)
        return default if value is None else value

    return Config(
        host=str(get("smtp.host", "")),
        port=int(get("smtp.port", 0) or 0),
        security=str(get("smtp.security", "none")),
        user=str(get("smtp.user", "")),
        password_file=str(get("smtp.password-file", "")),
        sender=str(get("mail.from", DEFAULT_FROM)),
        remind_hours=int(get("mail.remind-hours", DEFAULT_REMIND_HOURS)),
    )


def parse_setting(key: str, value: str) -> Any:
    """The stored value of a mail setting typed as text; MailError if it is wrong."""
    if _CONTROL_LINE.search(value or ""):
        raise MailError(f"{key} is one line without control characters")
    text = one_line(value, 500)
    if key == "smtp.host":
        if text in ("none", "-"):
            return ""
        if text and not re.fullmatch(r"[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]", text):
            raise MailError(f"smtp.host is a host name or address (got {text!r})")
        return text
    if key == "smtp.port":
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 65536:
            raise MailError(f"smtp.port is a number from 1 to 65535 (got {text!r})")
        return int(text)
    if key == "smtp.security":
        if text.lower() not in SECURITY:
            raise MailError(f"smtp.security is one of: {', '.join(SECURITY)} (got {text!r})")
        return text.lower()
    if key == "smtp.user":
        return "" if text in ("none", "-") else text
    if key == "smtp.password-file":
        if text in ("", "none", "-"):
            return ""
        path = Path(text).expanduser().absolute()
        if not path.is_file():
            raise MailError(f"smtp.password-file: no file {str(path)!r}")
        return str(path)
    if key == "mail.from":
        name, address = parseaddr(text)
        if not valid_address(address):
            raise MailError(
                f"mail.from is an address, e.g. 'Priya Raman <priya@library.example>' (got {text!r})"
            )
        name = one_line(name).replace("<", "").replace(">", "").replace('"', "")
        return f"{name} <{address}>" if name else address
    if key == "mail.remind-hours":
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= 24 * 14:
            raise MailError(f"mail.remind-hours is a number of hours, 1 to 336 (got {text!r})")
        return int(text)
    raise MailError(f"unknown setting {key!r} (mail settings: {', '.join(SETTINGS_HELP)})")


@guarded("settings")
def set_setting(store: Store, actor: str, key: str, value: str) -> Any:
    parsed = parse_setting(key, value)
    with store.transaction(actor) as tx:
        tx.set_setting(key, parsed)
    return parsed


def describe_settings(store: Store) -> list[tuple[str, str, str]]:
    """(key, shown value, help) for every mail setting; the password is never shown."""
    cfg = config(store)
    shown = {
        "smtp.host": cfg.host or "none",
        "smtp.port": str(cfg.port or DEFAULT_PORTS.get(cfg.security, 25)),
        "smtp.security": cfg.security,
        "smtp.user": cfg.user or "none",
        "smtp.password-file": cfg.password_file or "none",
        "mail.from": cfg.sender,
        "mail.remind-hours": str(cfg.remind_hours),
    }
    return [(k, shown[k], SETTINGS_HELP[k]) for k in SETTINGS_HELP]


# ------------------------------------------------------------------ the message
def build(doc: dict[str, Any], cfg: Config) -> EmailMessage:
    """The message for an outbox record, as it goes on the wire."""
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import format_datetime, formataddr

    msg = EmailMessage(policy=SMTP)
    msg["From"] = formataddr((one_line(cfg.sender_name), cfg.sender_address))
    msg["To"] = formataddr((one_line(doc.get("to_name", "")), doc["to"]))
    msg["Subject"] = one_line(doc.get("subject", ""))
    msg["Message-ID"] = doc["message_id"]
    msg["Date"] = format_datetime(_queued_at(doc))
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Shadow-Kind"] = one_line(doc.get("kind", ""), 40)
    msg.set_content(clean_body(doc.get("body", "")), subtype="plain", charset="utf-8")
    ics = doc.get("attachment") or ""
    if ics:
        method = one_line(doc.get("method") or "REQUEST", 20)
        # Outlook and Gmail read the text/calendar part with a METHOD parameter as the
        # invitation; the .ics attachment is for clients that only import files.
        # 7bit when it can be: a server without 8BITMIME must get it intact too.
        cte = "7bit" if ics.isascii() else "quoted-printable"
        msg.add_alternative(
            ics, subtype="calendar", charset="utf-8", cte=cte, params={"method": method}
        )
        msg.add_attachment(
            ics.encode("utf-8"),
            maintype="application",
            subtype="ics",
            filename="invite.ics",
        )
    return msg


def _queued_at(doc: dict[str, Any]):
    from .dates import from_iso

    return from_iso(doc.get("created") or doc.get("queued") or "1970-01-01T00:00:00+00:00")


# ------------------------------------------------------------------ transports
def eml_dir(store: Store) -> Path:
    return store.path.parent / "outbox"


def eml_path(store: Store, message_id: str) -> Path:
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", message_id.strip("<>"))
    return eml_dir(store) / f"{stem}.eml"


def write_eml(store: Store, message: EmailMessage) -> Path:
    """The message as a file, whole or not at all (store.replace_file); an OSError if it
    cannot be written."""
    path = eml_path(store, str(message["Message-ID"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, message.as_bytes())
    return path


def read_password(cfg: Config) -> str:
    if not cfg.password_file:
        return ""
    try:
        return Path(cfg.password_file).read_text(encoding="utf-8").strip("\r\n")
    except OSError as exc:
        raise TransientError(
            f"cannot read smtp.password-file {cfg.password_file}: {exc.strerror}"
        ) from None


class Connection:
    """One SMTP session for a send run. ``envelope`` (MAIL FROM, RCPT TO) and ``data``
    are separate so the outbox can note, between them, that delivery is under way."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        import smtplib
        import ssl

        cfg = self.cfg
        port = cfg.port or DEFAULT_PORTS[cfg.security]
        try:
            if cfg.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    cfg.host, port, timeout=TIMEOUT, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(cfg.host, port, timeout=TIMEOUT)
            smtp.ehlo()
            if cfg.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if cfg.user:
                smtp.login(cfg.user, read_password(cfg))
        except smtplib.SMTPAuthenticationError as exc:
            raise TransientError(f"the mail server refused the login ({_reply(exc)})") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientError(
                f"cannot reach the mail server {cfg.host}:{port}: {_reason(exc)}"
            ) from None
        self.smtp = smtp

    def envelope(self, message: EmailMessage) -> None:
        import smtplib

        assert self.smtp is not None
        sender = self.cfg.sender_address
        recipient = parseaddr(str(message["To"]))[1]
        utf8 = not (sender + recipient).isascii()  # only addresses need SMTPUTF8
        try:
            code, reply = self.smtp.mail(sender, ["SMTPUTF8"] if utf8 else [])
            if code != 250:
                self._refused(code, reply, "sender")
            code, reply = self.smtp.rcpt(recipient)
            if code not in (250, 251):
                self._refused(code, reply, "recipient")
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentError(f"the mail server cannot take this message: {exc}") from None
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            raise TransientError(
                f"the mail server went away: {_reason(exc)}", disconnected=True
            ) from None

    def data(self, message: EmailMessage) -> None:
        import smtplib

        assert self.smtp is not None
        try:
            code, reply = self.smtp.data(message.as_bytes())
        except smtplib.SMTPDataError as exc:
            self._refused(exc.smtp_code, exc.smtp_error, "message")
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            raise TransientError(
                f"the mail server went away: {_reason(exc)}", disconnected=True
            ) from None
        if code != 250:
            self._refused(code, reply, "message")

    def reset(self) -> None:
        import smtplib

        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.rset()

    def _refused(self, code: int, reply: bytes | str, what: str) -> None:
        text = f"the mail server refused the {what}: {code} {_text(reply)}"
        self.reset()
        if 400 <= code < 500:
            raise TransientError(text)
        raise PermanentError(text)

    def close(self) -> None:
        import smtplib

        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp = None


def _text(reply: bytes | str) -> str:
    return one_line(reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"


def _reason(exc: BaseException) -> str:
    import smtplib

    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc)
    return one_line(getattr(exc, "strerror", None) or exc or type(exc).__name__)
