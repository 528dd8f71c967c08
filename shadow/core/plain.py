"""The plain-language check: jargon in text meant for the other side, with plain alternatives.

It works both ways. Text read by the library (notes by IT staff, IT -> library
suggestions) is checked against IT jargon, ``data/jargon.csv``; text read by IT
(notes by library staff, library -> IT suggestions) against library terms,
``data/library_terms.csv`` (ILS, MARC, holds shelf, ILL, ...). Both glossaries are
``term,plain,note``; ``reader`` names who reads the text (``library``, the default, or
``it``) and :func:`reader_for` works it out from the writer's side. Matching is on word
boundaries and allows simple plurals (``VLANs``, ``caches``). Short all-capital
acronyms match only in capitals (so ``AD`` is flagged but "ad" is not); every
other term matches in any case. Nothing is ever blocked: callers show findings.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, TypeVar


@dataclass(frozen=True)
class Term:
    term: str
    plain: str
    note: str = ""


@dataclass(frozen=True)
class Finding:
    term: str  # the glossary entry
    found: str  # the text as written
    start: int
    end: int
    plain: str
    note: str = ""


def _is_acronym(term: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", term)
    return bool(letters) and letters.isupper() and len(letters) <= 5 and " " not in term


READERS = ("library", "it")
GLOSSARIES = {"library": "jargon.csv", "it": "library_terms.csv"}  # by who reads the text
READER_LABELS = {"library": "the library side", "it": "IT"}


def reader_for(side: str) -> str:
    """Who reads what someone on ``side`` writes: IT staff write for the library and the
    library for IT (a note's readers are the other side of the visit)."""
    return "it" if side == "library" else "library"


def reader_of_direction(direction: str) -> str:
    """Who reads a suggestion going ``it-to-library`` (the library) or ``library-to-it`` (IT)."""
    return "it" if direction == "library-to-it" else "library"


def _check_reader(reader: str) -> str:
    if reader not in GLOSSARIES:
        raise ValueError(f"reader must be one of {', '.join(READERS)} (got {reader!r})")
    return reader


@lru_cache(maxsize=2)
def glossary(reader: str = "library") -> tuple[Term, ...]:
    """The terms ``reader`` may not know: IT jargon for the library, library terms for IT."""
    from ..data import read_text

    rows = csv.DictReader(io.StringIO(read_text(GLOSSARIES[_check_reader(reader)])))
    return tuple(
        Term(r["term"].strip(), r["plain"].strip(), (r.get("note") or "").strip()) for r in rows
    )


def _pattern(terms: tuple[Term, ...], acronyms: bool) -> re.Pattern[str] | None:
    chosen = sorted(
        (t for t in terms if _is_acronym(t.term) == acronyms), key=lambda t: -len(t.term)
    )
    if not chosen:
        return None
    parts = []
    for t in chosen:
        body = r"\s+".join(re.escape(w) for w in t.term.split())
        plural = "(?:s|es|'s)?" if not acronyms else "(?:s|'s)?"
        parts.append(body + plural)
    flags = 0 if acronyms else re.IGNORECASE
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", flags)


@lru_cache(maxsize=4)
def _matchers(terms: tuple[Term, ...]) -> tuple[list[re.Pattern[str]], dict[str, Term]]:
    patterns = [p for p in (_pattern(terms, True), _pattern(terms, False)) if p is not None]
    index = {t.term.casefold(): t for t in terms}
    return patterns, index


def _lookup(found: str, index: dict[str, Term]) -> Term | None:
    key = " ".join(found.split()).casefold()
    for candidate in (key, key.removesuffix("'s"), key.removesuffix("es"), key.removesuffix("s")):
        if candidate in index:
            return index[candidate]
    return None


@lru_cache(maxsize=4)
def _first_words(terms: tuple[Term, ...]) -> frozenset[str] | None:
    """Each term's first word in lower case; None if a term is not ASCII (a pattern that
    ignores case also matches e.g. the Kelvin sign to "k": no shortcut then)."""
    if not all(t.term.isascii() for t in terms):
        return None
    return frozenset(t.term.split()[0].lower() for t in terms if t.term.split())


def _candidates(text: str, terms: tuple[Term, ...]) -> tuple[Term, ...]:
    """The terms that can be found in ``text``: for ASCII text and terms, those whose first
    word it holds in any case (every match holds its term's first word; terms of no word
    kept), none when it holds none; else all of them. A pattern of a few terms compiles in
    microseconds, the whole glossary's in some 20 ms of every note or suggestion saved."""
    words = _first_words(terms)
    if words is None or not text.isascii():
        return terms
    lowered = text.lower()
    if not any(w in lowered for w in words):
        return ()
    return tuple(t for t in terms if not t.term.split() or t.term.split()[0].lower() in lowered)


def check_text(
    text: str, terms: tuple[Term, ...] | None = None, *, reader: str = "library"
) -> list[Finding]:
    """Jargon found in ``text``, in order, without overlaps (longest term wins): terms from
    ``reader``'s glossary (IT jargon for the library, library terms for IT) unless ``terms``."""
    terms = glossary(reader) if terms is None else terms
    terms = _candidates(text or "", terms)
    if not terms:
        return []  # (what a note usually is: no compiling the glossary's patterns, 50 ms)
    patterns, index = _matchers(terms)
    hits: list[Finding] = []
    for pattern in patterns:
        for m in pattern.finditer(text or ""):
            term = _lookup(m.group(0), index)
            if term is not None:
                hits.append(
                    Finding(term.term, m.group(0), m.start(), m.end(), term.plain, term.note)
                )
    return longest_apart(hits)


F = TypeVar("F", bound="Span")


class Span(Protocol):
    start: int
    end: int


def longest_apart(found: list[F]) -> list[F]:
    """What a text check reports of its ``found`` spans: in reading order, the longest
    where two overlap (jargon terms and privacy findings alike)."""
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[F] = []
    for f in found:
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


def summarise(findings: list[Finding]) -> str:
    """One line: ``VLAN -> "a separate section of the network"; SSO -> ...``"""
    seen: dict[str, Finding] = {}
    for f in findings:
        seen.setdefault(f.term.casefold(), f)
    return "; ".join(f'{f.found} -> "{f.plain}"' for f in seen.values())


def plain_words(plain: str) -> str:
    """The words that stand in for a term: the glossary's explanation in brackets is for
    reading beside the jargon, not for putting into the text (``fault report (something
    is broken)`` replaces as ``fault report``)."""
    return re.sub(r"\s*\([^)]*\)", "", plain).strip() or plain


def replacement(text: str, finding: Finding) -> tuple[int, int, str]:
    """How to replace one finding so the text still reads: ``(start, end, new words)``.

    The plain words keep a plural (``VLANs`` -> ``... sections``) and a possessive, take a
    capital where the jargon started a sentence, swallow an explanation already written in
    brackets right after the jargon (no ``jargon (plain)`` left side by side), and fix the
    article before them (``a incident`` -> ``a fault report``, ``an SLA`` -> ``agreed ...``).
    """
    words = plain_words(finding.plain)
    found = finding.found
    core = " ".join(found.split())
    term = finding.term
    if core.casefold().endswith("'s") and not term.casefold().endswith("'s"):
        words += "'s"
    elif core.casefold() != term.casefold() and core.casefold().endswith("s"):
        words = _pluralise(words)
    start, end = finding.start, finding.end
    after = text[end:]
    bracket = re.match(r"\s*\(([^)]*)\)", after)
    if bracket and (
        bracket[1].strip().casefold()
        in {finding.plain.casefold(), plain_words(finding.plain).casefold()}
    ):
        end += bracket.end()
    before = text[:start]
    sentence_start = not before.strip() or bool(re.search(r"[.!?:]\s*$", before))
    if sentence_start:
        words = words[:1].upper() + words[1:]
    article = re.search(r"(?<![\w-])(an?|An?)(\s+)$", before)
    if article:
        first = words.split()[0].casefold() if words.split() else ""
        if first in {"the", "a", "an", "how", "what", "one", "your", "our", "their"}:
            start = article.start()  # the plain words bring their own article
            if article[1][0].isupper():
                words = words[:1].upper() + words[1:]
        else:
            vowel = first[:1] in "aeiou"
            new_article = "an" if vowel else "a"
            if article[1][0].isupper():
                new_article = new_article.capitalize()
            start = article.start()
            words = f"{new_article}{article[2]}{words}"
    return start, end, words


def _pluralise(words: str) -> str:
    """The plural of a plain phrase: its head noun (before ``of``/``for``/``that``...)."""
    parts = words.split(" ")
    if len(parts) > 1 and parts[0].casefold() in ("a", "an"):
        parts = parts[1:]  # "a separate part" -> "separate parts"
    head = len(parts) - 1
    for i, w in enumerate(parts):
        if i and w in {"of", "for", "that", "which", "with", "to", "in", "on", "when", "where"}:
            head = i - 1
            break
    noun = parts[head]
    if noun.endswith(("s", "x", "ch", "sh")):
        noun += "es"
    elif noun.endswith("y") and len(noun) > 1 and noun[-2] not in "aeiou":
        noun = noun[:-1] + "ies"
    else:
        noun += "s"
    parts[head] = noun
    return " ".join(parts)


def replace_all(
    text: str, terms: tuple[Term, ...] | None = None, *, reader: str = "library"
) -> str:
    """``text`` with every jargon term replaced by readable plain words."""
    out = text
    for f in reversed(check_text(text, terms, reader=reader)):
        start, end, words = replacement(out, f)
        out = out[:start] + words + out[end:]
    return out


_IRREGULAR = {"person": "people", "kudos": "kudos", "this": "these", "reply": "replies"}


def count(n: int, noun: str, plural: str | None = None) -> str:
    """A count that reads naturally: ``1 vote``, ``4 votes``, ``0 visits``, ``2 people``."""
    if n == 1:
        return f"{n} {noun}"
    return f"{n} {plural or _IRREGULAR.get(noun) or _pluralise(noun)}"
