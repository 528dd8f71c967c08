"""The plain-language panel: jargon in text meant for the other side, with plain words,
and the patron-privacy check (card numbers, emails, phone numbers) beside it.

Nothing is blocked: the panel shows each term where it was written (highlighted,
with a few words either side) and the plain alternative from the glossary of the
reader (IT jargon for the library, library terms for IT), and each private-looking
value masked.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from shadow.core import privacy
from shadow.core.plain import READER_LABELS, Finding, check_text

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


def privacy_content(found: Sequence[privacy.Finding]) -> Content:
    """``Privacy: looks like a card number (••••7890)`` lines (values masked)."""
    lines = [
        Content.styled(
            f"Privacy: {f.describe()}: patron details do not belong in notes", "bold $error"
        )
        for f in found
    ]
    return Content("\n").join(lines)


def findings_content(text: str, findings: Sequence[Finding], reader: str = "library") -> Content:
    count = len({f.term.casefold() for f in findings})
    noun = "term" if count == 1 else "terms"
    who = READER_LABELS.get(reader, reader)
    lines = [
        Content.styled(
            f"Plain language: {count} {noun} {who} may not know (nothing is blocked)",
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
        self.private: list[privacy.Finding] = []

    def check(self, text: str, *, enabled: bool = True, reader: str = "library") -> list[Finding]:
        """Check ``text`` for jargon ``reader`` may not know (when ``enabled``) and, always,
        for patron details; show the result."""
        self.findings = check_text(text, reader=reader) if enabled and text.strip() else []
        self.private = privacy.check(text)
        parts = []
        if self.private:
            parts.append(privacy_content(self.private))
        if self.findings:
            parts.append(findings_content(text, self.findings, reader))
        self.update(Content("\n").join(parts) if parts else "")
        self.display = bool(parts)
        return self.findings
