"""--json output: the same text json.dump(indent=2, ensure_ascii=False) writes, faster;
characters that would act on a terminal (C1, DEL, bidi overrides, line separators) are
written as \\u escapes, so the JSON still reads back the same."""

from __future__ import annotations

import json

from shadow.cli import print_json

CASES = [
    [],
    {},
    [{"id": 1, "name": 'Zoë "Z" O\'Neil; [red]', "votes": [], "tags": ["a", "b"], "x": None}],
    {"nested": {"deep": [1, 2.5, -0.125, True, False, None, {"k": []}]}, "é": "\x1b\t"},
    {1: "int keys become strings", "text": 'tab\tnewline\nquote"backslash\\'},
    [{"gap": 1.25, "change": -0.5, "share": 0.3333333333333333, "big": 10**12}],
]


def test_print_json_writes_what_the_standard_library_writes(capsys):
    for case in CASES:
        print_json(case)
        assert capsys.readouterr().out == json.dumps(case, ensure_ascii=False, indent=2) + "\n"


def test_what_the_fast_encoder_refuses_goes_through_json(capsys):
    for case in ({"huge": 10**30}, [{"id": 2**64}]):
        print_json(case)
        assert capsys.readouterr().out == json.dumps(case, ensure_ascii=False, indent=2) + "\n"


def test_characters_that_act_on_a_terminal_are_escaped_and_read_back(capsys):
    case = {"é": "\u2028\x1b\x7f\u202e\x9b", "ok": "Siobhán [red]x[/]"}
    print_json(case)
    out = capsys.readouterr().out
    assert json.loads(out) == case
    assert '"\\u2028\\u001b\\u007f\\u202e\\u009b"' in out
    assert '"Siobhán [red]x[/]"' in out
    assert not any(c in out for c in "\u2028\x1b\x7f\u202e\x9b")


def test_through_the_cli_output_wrapper_the_bytes_are_the_same(monkeypatch):
    import io
    import sys

    from shadow.cli._common import _SafeOutput

    cases = [*CASES, {"é": "\u2028\x7f\u202e\x9b", "dash": "a – b …", "ok": "Zoë"}]
    for case in cases:
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding="utf-8")
        monkeypatch.setattr(sys, "stdout", _SafeOutput(stream))
        print_json(case)
        stream.flush()
        out = raw.getvalue().decode("utf-8")
        monkeypatch.undo()
        expected = json.dumps(case, ensure_ascii=False, indent=2) + "\n"
        if any(c in expected for c in "\u2028\x7f\u202e\x9b"):
            assert json.loads(out) == case and not any(c in out for c in "\u2028\x7f\u202e\x9b")
        else:
            assert out == expected


def test_print_items_table_shows_each_headers_field_through_shown(capsys):
    from argparse import Namespace

    from shadow.cli._common import print_items

    items = [{"id": 1, "name": "Zoë", "hosts": ["A", "B"], "liaison": None, "extra": "not shown"}]
    headers = ["id", "name", "hosts", "liaison"]
    assert print_items(Namespace(json=False), items, headers, shown={"hosts": ", ".join}) == 0
    assert capsys.readouterr().out.splitlines() == [
        "id  name  hosts  liaison",
        "--  ----  -----  -------",
        "1   Zoë   A, B",
    ]
    print_items(Namespace(json=False), items, ["who"], lambda i: [i["name"].upper()])
    assert capsys.readouterr().out.splitlines()[2] == "ZOË"
    print_items(Namespace(json=True), items, headers, shown={"hosts": ", ".join})
    assert json.loads(capsys.readouterr().out) == items
