"""The plain-language check: word boundaries, case, plurals, the shipped glossary."""

from shadow.core.plain import Term, check_text, glossary, summarise

TERMS = (
    Term("VLAN", "a separate part of the network"),
    Term("SSO", "one login for everything"),
    Term("AD", "the staff account directory"),
    Term("cache", "stored copy"),
    Term("DHCP lease", "the loan of a network address"),
    Term("reimage", "wipe and reinstall"),
    Term("patch", "small software update"),
    Term("ticket queue", "list of waiting requests"),
)


def found(text):
    return [(f.term, f.found) for f in check_text(text, TERMS)]


def test_word_boundaries():
    assert found("we reimage it") == [("reimage", "reimage")]
    assert found("reimaged") == []
    assert found("dispatch the patches") == [("patch", "patches")]
    assert found("cachet and cache-like") == []
    assert found("VLAN-based") == []


def test_case_rules():
    assert found("the Cache is full") == [("cache", "Cache")]
    assert found("REIMAGE") == [("reimage", "REIMAGE")]
    assert found("log in with SSO") == [("SSO", "SSO")]
    assert found("an ad for the AD") == [("AD", "AD")]  # acronyms only in capitals


def test_plurals_and_multi_word_terms():
    assert found("two VLANs and the caches") == [("VLAN", "VLANs"), ("cache", "caches")]
    assert found("DHCP  leases expired") == [("DHCP lease", "DHCP  leases")]
    assert found("in the ticket queue's tail") == [("ticket queue", "ticket queue's")]


def test_positions_and_summary():
    text = "Please reimage the PC on the VLAN"
    hits = check_text(text, TERMS)
    assert [text[h.start : h.end] for h in hits] == ["reimage", "VLAN"]
    assert (
        summarise(hits)
        == 'reimage -> "wipe and reinstall"; VLAN -> "a separate part of the network"'
    )


def test_markup_like_text_is_just_text():
    assert found("[red]VLAN[/] [TODO]") == [("VLAN", "VLAN")]


def test_shipped_glossary_is_big_and_works():
    terms = glossary()
    assert len(terms) >= 80
    assert len({t.term.casefold() for t in terms}) == len(terms)
    assert all(t.plain for t in terms)
    text = "We will reimage the kiosk, check the VLAN and the DHCP lease, then SSO is P2 in the ticket queue."
    names = {f.term.casefold() for f in check_text(text)}
    assert {"reimage", "vlan", "dhcp lease", "sso", "p2", "ticket queue"} <= names
    assert check_text("The children's librarian read a book about dinosaurs at the branch.") == []


def replaced(text):
    from shadow.core.plain import replace_all

    return replace_all(text, TERMS + (Term("incident", "fault report (something is broken)"),
                                      Term("SLA", "agreed response and fix times")))  # fmt: skip


def test_replacement_reads_as_a_sentence():
    # the explanation in brackets is not pasted into the text
    assert replaced("please log an incident today") == "please log a fault report today"
    # plurals and possessives survive
    assert replaced("two VLANs are down") == "two separate parts of the network are down"
    assert replaced("the cache's size") == "the stored copy's size"
    # a sentence still starts with a capital
    assert (
        replaced("Reimage it. reimage it again")
        == "Wipe and reinstall it. Wipe and reinstall it again"
    )
    # jargon already explained in brackets: the pair becomes just the plain words
    assert replaced("we met the SLA (agreed response and fix times)") == (
        "we met the agreed response and fix times"
    )
    # plain words bringing their own article do not get a second one
    assert replaced("on a VLAN") == "on a separate part of the network"
    assert "VLAN" not in replaced("VLAN, SSO and a patch")


def test_shipped_glossary_replacements_do_not_repeat_the_object():
    from shadow.core.plain import replace_all

    assert replace_all("Please reimage the PC") == "Please wipe and reinstall the PC"


# ------------------------------------------------------------------ both vocabularies
def test_library_terms_glossary_for_it_readers():
    terms = glossary("it")
    assert len(terms) >= 30
    assert len({t.term.casefold() for t in terms}) == len(terms)
    assert all(t.plain for t in terms)
    names = {t.term for t in terms}
    for needed in ("ILS", "MARC", "holds shelf", "ILL", "circulation", "OPAC", "discovery layer",
                   "cataloguing", "authority record", "weeding", "patron record"):  # fmt: skip
        assert needed in names
    # no term is in both glossaries: each reader's list is the other side's words
    assert not {t.term.casefold() for t in terms} & {t.term.casefold() for t in glossary()}


def test_check_works_both_ways():
    text = "The ILS puts holds on the holds shelf; the VLAN and the ticket queue were slow."
    for_it = {f.term for f in check_text(text, reader="it")}
    for_library = {f.term for f in check_text(text, reader="library")}
    assert {"ILS", "holds shelf"} <= for_it and "VLAN" not in for_it
    assert {"VLAN", "ticket queue"} <= for_library and "ILS" not in for_library
    assert check_text("she felt ill after the MARC fair", reader="it")[0].term == "MARC"
    assert [f.term for f in check_text("she felt ill", reader="it")] == []  # acronyms: capitals


def test_reader_follows_the_writer_side_and_direction():
    from shadow.core.plain import reader_for, reader_of_direction, replace_all

    assert reader_for("it") == "library" and reader_for("library") == "it"
    assert reader_of_direction("library-to-it") == "it"
    assert reader_of_direction("it-to-library") == "library"
    assert replace_all("Check the OPAC", reader="it") == "Check the public online catalogue"
    import pytest

    with pytest.raises(ValueError, match="reader must be one of"):
        check_text("x", reader="vendor")


def test_both_glossary_files_have_three_columns_on_every_row():
    import csv
    from importlib import resources

    for name in ("jargon.csv", "library_terms.csv"):
        text = resources.files("shadow.data").joinpath(name).read_text("utf-8")
        rows = list(csv.reader(text.splitlines()))
        assert rows[0] == ["term", "plain", "note"]
        assert all(len(r) == 3 for r in rows), name  # a comma in plain words needs quotes


def test_the_shortcut_for_text_without_any_term_finds_what_the_patterns_find():
    from shadow.core.plain import _candidates

    terms = glossary("library")
    assert _candidates("We walked round the returns desk.", terms) == ()
    assert check_text("We walked round the returns desk.", terms + (Term("é", "e", ""),)) == []
    whole = lambda text: [(f.term, f.found, f.start, f.end) for f in check_text(  # noqa: E731
        text, terms + (Term("é", "e", ""),))]  # fmt: skip
    for term in terms[:40]:
        for text in (f"about {term.term.upper()}s today", f"x {term.term} y"):
            assert term in _candidates(text, terms)
            # only the terms whose first word the text holds: the same findings as with a
            # term that turns the shortcut off (the whole glossary's patterns)
            assert [(f.term, f.found, f.start, f.end) for f in check_text(text)] == whole(text)
    mixed = " and ".join(t.term for t in terms[::7]) + "; " + " ".join(t.term for t in terms[3::11])
    assert [(f.term, f.found, f.start, f.end) for f in check_text(mixed)] == whole(mixed)
    assert len(_candidates(mixed, terms)) < len(terms)
