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


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
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
