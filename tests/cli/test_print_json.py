"""--json output: the same text json.dump(indent=2, ensure_ascii=False) writes, faster."""

from __future__ import annotations

import json

from shadow.cli import print_json

CASES = [
    [],
    {},
    [{"id": 1, "name": 'Zoë "Z" O\'Neil; [red]', "votes": [], "tags": ["a", "b"], "x": None}],
    {"nested": {"deep": [1, 2.5, -0.125, True, False, None, {"k": []}]}, "é": "\u2028\x1b\x7f"},
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
