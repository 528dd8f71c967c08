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
