"""shadow feedback (rate, --list, --summary), check-text --for, and the privacy warning."""

import json

import pytest

from shadow.cli import main


@pytest.fixture
def db(sample_db):
    return sample_db


def run(capsys, db, *argv):
    code = main(["--db", db, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def visit_id(capsys, db, department, status):
    _, out, _ = run(
        capsys, db, "list", "visits", "--json", "--from", "90 days ago", "--to", "in 8 weeks"
    )
    return next(
        v["id"] for v in json.loads(out) if v["department"] == department and v["status"] == status
    )


def refused(result, text):
    code, out, err = result
    assert code == 1 and err.count("\n") == 1 and err.startswith("shadow: error: "), err
    assert text in err, err


def test_the_issue_spelling_rates_and_rerunning_edits(capsys, db):
    vid = visit_id(capsys, db, "Circulation", "completed")
    code, out, err = run(capsys, db, "feedback", str(vid), "--rating", "4", "--again", "yes",
                         "--learned", "Returns are sorted by hand", "--as", "Aisha Rahman")  # fmt: skip
    assert code == 0 and err == ""
    assert (
        out
        == f'rated visit #{vid}: 4/5 · would do again · learned: "Returns are sorted by hand" (Aisha Rahman)\n'
    )
    code, out, _ = run(capsys, db, "--as", "Aisha Rahman", "feedback", str(vid), "--rating", "2")
    assert code == 0 and out.startswith(
        f"changed your rating of visit #{vid}: 2/5 · would do again"
    )
    code, out, _ = run(capsys, db, "visit", "show", str(vid))
    assert "      ratings: 3 ratings, mean 3.7/5, 100% would do it again" in out.splitlines()
    code, out, _ = run(capsys, db, "visit", "show", str(vid), "--json")
    assert {r["author"] for r in json.loads(out)["ratings"]} == {
        "Aisha Rahman", "Ben Kowalczyk", "Marcus Webb"
    }  # fmt: skip
    code, out, _ = run(capsys, db, "feedback", "--list", str(vid), "--json")
    mine = [r for r in json.loads(out) if r["author"] == "Aisha Rahman"]
    assert len(mine) == 1 and mine[0]["rating"] == 2 and mine[0]["again"] is True
    assert mine[0]["side"] == "it" and mine[0]["direction"] == "it-to-library"


def test_refusals_are_one_line(capsys, db):
    done = visit_id(capsys, db, "Circulation", "completed")
    cancelled = visit_id(capsys, db, "Makerspace", "cancelled")
    coming = visit_id(capsys, db, "Interlibrary Loans", "requested")
    refused(run(capsys, db, "feedback", str(cancelled), "--rating", "3", "--as", "Mei Tanaka"),
            "is cancelled: only a visit that took place can be rated")  # fmt: skip
    refused(run(capsys, db, "feedback", str(coming), "--rating", "3", "--as", "Patrick Byrne"),
            "only a visit that took place")  # fmt: skip
    refused(run(capsys, db, "feedback", str(done), "--rating", "3", "--as", "Samuel Osei"),
            "Samuel Osei was not on visit")  # fmt: skip
    refused(run(capsys, db, "feedback", str(done), "--as", "Aisha Rahman"), "give your rating")
    refused(run(capsys, db, "feedback", "--rating", "3"), "name the visit")
    refused(run(capsys, db, "feedback", "--list", "--rating", "3"), "does not go with --list")
    refused(run(capsys, db, "feedback", "--list", "--summary"), "not both")
    refused(run(capsys, db, "feedback", str(done), "--json"), "--json goes with --list")
    refused(run(capsys, db, "feedback", "--list", "--department", "Nowhere"), "Nowhere")
    with pytest.raises(SystemExit) as exited:  # argparse's own refusal: one line, exit 1
        run(capsys, db, "feedback", str(done), "--rating", "6")
    err = capsys.readouterr().err
    assert exited.value.code == 1 and "from 1 to 5" in err and err.count("\n") == 1


def test_summary_and_list_show_both_sides(capsys, db):
    code, out, _ = run(capsys, db, "feedback", "--summary", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["count"] == 18
    assert summary["by_side"]["it"]["count"] == 9 and summary["by_side"]["library"]["count"] == 9
    assert 1 <= summary["mean"] <= 5 and summary["learned"]
    per_dept = {d["department"]: d for d in summary["by_department"]}
    assert per_dept["Children's & Youth"]["count"] == 2
    assert sum(d["count"] for d in per_dept.values()) == 18
    code, out, _ = run(capsys, db, "feedback", "--summary")
    assert "by department:" in out and "Children's & Youth" in out
    code, out, _ = run(capsys, db, "feedback", "--summary", "--department", "Children's & Youth")
    assert "by department" not in out
    assert out.splitlines()[0] == "2 ratings, mean usefulness 3.0/5, 50% would do it again"
    assert '"Too short to see the after-school rush" (Lucía Fernández' in out
    code, out, _ = run(capsys, db, "feedback", "--list", "--direction", "library-to-it")
    assert code == 0
    code, out, _ = run(capsys, db, "feedback", "--list", "--since", "tomorrow")
    assert out == "no ratings yet\n"


def test_privacy_warning_names_field_and_masks(capsys, db):
    vid = visit_id(capsys, db, "Circulation", "completed")
    code, out, err = run(capsys, db, "--as", "Aisha Rahman", "feedback", str(vid), "--rating",
                         "5", "--learned", "patron 21234000567890 rang from 555 0134")  # fmt: skip
    assert code == 0
    assert err.splitlines() == [
        "shadow: warning: privacy: learned: looks like a card number (••••••••••7890); "
        "patron details do not belong in notes",
        "shadow: warning: privacy: learned: looks like a phone number (••• ••34); "
        "patron details do not belong in notes",
    ]
    code, out, err = run(capsys, db, "--as", "Marcus Webb", "observe", str(vid),
                         "Ask jo.b@example.org about the holds shelf")  # fmt: skip
    assert code == 0 and "email address (j•••@example.org)" in err and "jo.b@" not in err
    # a library writer's note is checked against library terms (IT reads it)
    assert 'plain language: holds shelf -> "shelf of reserved items' in out


def test_check_text_for_either_reader(capsys, db):
    code, out, _ = run(capsys, db, "check-text", "--for", "it", "The ILS and the VLAN")
    assert code == 0 and out.startswith('ILS: say "library system') and "VLAN" not in out
    code, out, _ = run(capsys, db, "check-text", "The ILS and the VLAN")
    assert out.startswith('VLAN: say "') and "ILS" not in out
    code, out, _ = run(capsys, db, "check-text", "--for", "it", "--replace", "Check the OPAC")
    assert out == "Check the public online catalogue\n"
    code, out, _ = run(capsys, db, "check-text", "call 555 0134")
    assert out.splitlines() == [
        "privacy: looks like a phone number (••• ••34); patron details do not belong in notes",
        "no jargon found",
    ]
