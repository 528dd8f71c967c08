"""The plain-language panel: IT jargon in text meant for the library, with plain words.

Nothing is blocked: the panel shows each term where it was written (highlighted,
with a few words either side) and the plain alternative from the glossary.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from shadow.core.plain import Finding, check_text

from .literal import one_line

TERM_STYLE = "bold reverse $warning"
CONTEXT = 24  # characters shown either side of a term
SHOWN = 6  # findings listed before "and N more"


def snippet(text: str, finding: Finding) -> Content:
    """``…put it on its own VLAN so the…`` with the term highlighted (all literal)."""
    lo = max(0, finding.start - CONTEXT)
    hi = min(len(text), finding.end + CONTEXT)
    before = ("…" if lo else "") + one_line(text[lo : finding.start]).lstrip()
    after = one_line(text[finding.end : hi]).rstrip() + ("…" if hi < len(text) else "")
    if text[lo : finding.start][-1:].isspace():
        before += " "
    if text[finding.end : hi][:1].isspace():
        after = " " + after
    return Content.assemble(before, (one_line(finding.found), TERM_STYLE), after)


def findings_content(text: str, findings: Sequence[Finding]) -> Content:
    count = len({f.term.casefold() for f in findings})
    noun = "term" if count == 1 else "terms"
    lines = [
        Content.styled(
            f"Plain language: {count} {noun} the library side may not know (nothing is blocked)",
            "bold $warning",
        )
    ]
    seen: set[str] = set()
    shown = 0
    for f in findings:
        key = f.term.casefold()
        if key in seen:
            continue
        seen.add(key)
        if shown == SHOWN:
            lines.append(Content.styled(f"  and {count - SHOWN} more", "$text-muted"))
            break
        shown += 1
        lines.append(Content.assemble("  ", snippet(text, f)))
        lines.append(
            Content.assemble(
                "    → say ", (f'"{one_line(f.plain)}"', "bold $success"), f"  ({f.term})"
            )
        )
    return Content("\n").join(lines)


class JargonPanel(Static):
    """Shows the jargon found in some text, or nothing (hidden) when it reads plainly."""

    DEFAULT_CSS = """
    JargonPanel {
        width: 100%;
        height: auto;
        max-height: 12;
        overflow-y: auto;
        padding: 0 1;
        margin-top: 1;
        border-left: thick $warning;
        display: none;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.findings: list[Finding] = []

    def check(self, text: str, *, enabled: bool = True) -> list[Finding]:
        """Check ``text`` (when ``enabled``: it goes to the library side) and show the result."""
        self.findings = check_text(text) if enabled and text.strip() else []
        if self.findings:
            self.update(findings_content(text, self.findings))
        else:
            self.update("")
        self.display = bool(self.findings)
        return self.findings
