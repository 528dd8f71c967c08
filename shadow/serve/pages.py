"""The few HTML pages the server itself answers: sign in and sign out.

Every value put into a page goes through ``html.escape``.
"""

from __future__ import annotations

from html import escape

_STYLE = """
body { background: #0c181f; color: #e6eef2; font-family: system-ui, sans-serif;
       display: flex; align-items: center; justify-content: center; min-height: 100vh; margin: 0; }
form, .box { background: #12232d; padding: 2rem 2.5rem; border-radius: 6px; min-width: 18rem; }
h1 { font-size: 1.3rem; margin-top: 0; }
label { display: block; margin: .8rem 0 .3rem; }
input[type=text], input[type=password] { width: 100%; padding: .5rem; box-sizing: border-box; }
button { margin-top: 1.2rem; padding: .5rem 1.4rem; background: #5e0ba7; color: #fff; border: 0;
         cursor: pointer; }
.error { color: #ff9a9a; }
.note { color: #9fb3bf; font-size: .9rem; }
a { color: #9fd2ff; }
"""


def _page(title: str, body: str, style: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_STYLE}{style}</style></head>"
        f"<body>{body}</body></html>"
    )


def login_page(csrf: str, *, name: str = "", error: str = "", title: str = "shadow") -> str:
    message = f"<p class='error' id='error' role='alert'>{escape(error)}</p>" if error else ""
    return _page(
        f"Sign in · {title}",
        "<form method='post' action='/login' id='login'>"
        f"<h1>Sign in to {escape(title)}</h1>{message}"
        "<label for='name'>Your name</label>"
        f"<input type='text' id='name' name='name' value='{escape(name)}' "
        "autocomplete='username' required autofocus>"
        "<label for='password'>Password</label>"
        "<input type='password' id='password' name='password' "
        "autocomplete='current-password' required>"
        f"<input type='hidden' name='csrf' value='{escape(csrf)}'>"
        "<button type='submit' id='submit'>Sign in</button>"
        "<p class='note'>Ask the programme's coordinator for an account.</p>"
        "</form>",
    )


def logout_page(csrf: str, name: str) -> str:
    return _page(
        "Sign out · shadow",
        "<form method='post' action='/logout' id='logout'>"
        f"<h1>Signed in as {escape(name)}</h1>"
        f"<input type='hidden' name='csrf' value='{escape(csrf)}'>"
        "<button type='submit' id='submit'>Sign out</button>"
        "<p class='note'>Signing out closes every shadow tab of this session. "
        "<a href='/'>Back to shadow</a></p>"
        "</form>",
    )


def signed_out_page() -> str:
    return _page(
        "Signed out · shadow",
        "<div class='box'><h1>Signed out</h1><p><a href='/login'>Sign in again</a></p></div>",
    )


# ------------------------------------------------------------------ the anonymous pulse
_PULSE_STYLE = """
body { align-items: flex-start; }
form.pulse { margin: 2rem 1rem; max-width: 40rem; }
fieldset { border: 1px solid #2b4350; margin: 1rem 0; padding: .6rem 1rem; }
legend { font-weight: bold; }
.dim { display: flex; justify-content: space-between; flex-wrap: wrap; margin: .4rem 0; }
.dim span { margin-right: 1rem; }
.dim label { display: inline; margin: 0 .35rem; }
textarea { width: 100%; box-sizing: border-box; min-height: 5rem; }
"""

SCALE = (1, 2, 3, 4, 5)


def _scale(prefix: str, index: int, dimension: str, chosen: str) -> str:
    group = f"{'Expected' if prefix == 'e' else 'Experienced'}: {dimension}"
    name = f"{prefix}{index}"
    boxes = "".join(
        f"<label><input type='radio' name='{name}' value='{n}' required"
        f"{' checked' if chosen == str(n) else ''}> {n}</label>"
        for n in SCALE
    )
    return (
        f"<div class='dim' role='radiogroup' aria-label='{escape(group)}'>"
        f"<span>{escape(dimension)}</span><span>{boxes}</span></div>"
    )


def pulse_form(
    department: str,
    dimensions: tuple[str, ...],
    csrf: str,
    *,
    values: dict[str, str] | None = None,
    error: str = "",
    comment_max: int = 1000,
) -> str:
    """The short anonymous form of a department's pulse link (posts to itself)."""
    values = values or {}
    message = f"<p class='error' id='error' role='alert'>{escape(error)}</p>" if error else ""
    expect = "".join(_scale("e", i, d, values.get(f"e{i}", "")) for i, d in enumerate(dimensions))
    perceive = "".join(_scale("p", i, d, values.get(f"p{i}", "")) for i, d in enumerate(dimensions))
    return _page(
        f"How is IT doing? · {department}",
        "<form method='post' class='pulse' id='pulse'>"
        f"<h1>How is IT doing? ({escape(department)})</h1>{message}"
        "<p class='note'>Anonymous: this form does not ask or keep who you are, your "
        "address or the time (only the day). Results are shown only once at least 5 "
        "people have answered in a month.</p>"
        "<fieldset><legend>What do you expect from IT? (1 = little, 5 = a lot)</legend>"
        f"{expect}</fieldset>"
        "<fieldset><legend>How has IT actually been? (1 = poor, 5 = excellent)</legend>"
        f"{perceive}</fieldset>"
        f"<label for='comment'>Anything else? (optional, up to {comment_max} characters)</label>"
        f"<textarea id='comment' name='comment' maxlength='{comment_max}'>"
        f"{escape(values.get('comment', ''))}</textarea>"
        f"<input type='hidden' name='csrf' value='{escape(csrf)}'>"
        "<button type='submit' id='submit'>Send</button>"
        "</form>",
        _PULSE_STYLE,
    )


def pulse_thanks(department: str) -> str:
    return _page(
        "Thank you · shadow",
        f"<div class='box'><h1>Thank you</h1><p>Your answer for {escape(department)} "
        "was saved, without your name.</p></div>",
    )


def not_found_page() -> str:
    return _page("Not found · shadow", "<div class='box'><h1>Not found</h1></div>")
