"""`termsieve import`: review decisions and glossary files merged into the native glossary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from termsieve.cli import cli
from termsieve.errors import GlossaryError
from termsieve.glossary import GLOSSARY_COLUMNS, read_glossary, write_glossary
from termsieve.model import Glossary, GlossaryEntry, Status
from termsieve.review import ImportConflictError, import_into
from termsieve.writers import write_extraction
from termsieve.writers.review_workbook import REVIEW_COLUMNS
from test_writers import GLOSSARY, sample_extraction

DAY = "2026-11-20"
LATER = "2026-12-01"
COLUMN = {name: index + 1 for index, name in enumerate(REVIEW_COLUMNS)}


def make_review(tmp_path: Path, name: str = "review.xlsx", glossary: Glossary | None = None) -> Path:
    path = tmp_path / name
    write_extraction(sample_extraction(), path, glossary=glossary)
    return path


def decide(path: Path, decisions: dict[str, tuple[str, str, str]]) -> None:
    """Fill in Status, Approved target and Reviewer note by Simplified term, as a reviewer would."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook["Terms"]
    for row in range(2, sheet.max_row + 1):
        term = sheet.cell(row=row, column=COLUMN["Simplified"]).value
        if term in decisions:
            status, target, note = decisions[term]
            sheet.cell(row=row, column=COLUMN["Status"], value=status)
            sheet.cell(row=row, column=COLUMN["Approved target"], value=target or None)
            sheet.cell(row=row, column=COLUMN["Reviewer note"], value=note or None)
    workbook.save(path)


def edit_cell(path: Path, cell: str, value: object) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook["Terms"][cell] = value
    workbook.save(path)


def test_approved_and_rejected_rows_become_entries(tmp_path: Path):
    review = make_review(tmp_path)
    decide(review, {
        "一带一路": ("approved", "", ""),  # takes the suggestion
        "人工智能": ("approved", "AI", "short form preferred"),  # the reviewer's target wins
        "建设": ("rejected", "", "general word"),
    })
    target = tmp_path / "glossaries" / "g.tsv"
    target.parent.mkdir()
    summary = import_into(target, [review], today=DAY)
    assert (len(summary.added), len(summary.changed), len(summary.unchanged), summary.skipped) == (3, 0, 0, 0)
    glossary = read_glossary(target)
    assert glossary.entries == (
        GlossaryEntry("一带一路", ("Belt and Road Initiative",), Status.PREFERRED, reference="report.txt:3",
                      date=DAY),
        GlossaryEntry("人工智能", ("AI",), Status.PREFERRED, note="short form preferred", reference="report.txt:3",
                      date=DAY),
        GlossaryEntry("建设", (), Status.REJECTED, note="general word", reference="report.txt:3", date=DAY),
    )


def test_undecided_rows_are_skipped(tmp_path: Path):
    review = make_review(tmp_path)
    decide(review, {"一带一路": ("needs-review", "", "")})
    target = tmp_path / "g.tsv"
    summary = import_into(target, [review], today=DAY)
    assert summary.skipped == 3 and not summary.added
    assert read_glossary(target).entries == ()


def test_reimporting_the_same_decisions_changes_nothing(tmp_path: Path):
    review = make_review(tmp_path)
    decide(review, {"一带一路": ("approved", "", ""), "建设": ("rejected", "", "")})
    target = tmp_path / "g.tsv"
    import_into(target, [review], today=DAY)
    before = target.read_bytes()
    summary = import_into(target, [review], today=LATER)
    assert len(summary.unchanged) == 2 and not summary.added and not summary.changed
    assert target.read_bytes() == before


def test_later_decision_replaces_earlier_and_records_it(tmp_path: Path):
    target = tmp_path / "g.tsv"
    first = make_review(tmp_path, "first.xlsx")
    decide(first, {"一带一路": ("approved", "", "")})
    import_into(target, [first], today=DAY)
    second = make_review(tmp_path, "second.xlsx")
    decide(second, {"一带一路": ("approved", "Belt and Road", "official short name")})
    summary = import_into(target, [second], today=LATER)
    assert summary.changed == ["一带一路"]
    (entry,) = read_glossary(target).entries
    assert entry.targets == ("Belt and Road",)
    assert entry.date == LATER
    assert entry.note == f"official short name; was: preferred Belt and Road Initiative ({DAY})"
    third = make_review(tmp_path, "third.xlsx")
    decide(third, {"一带一路": ("rejected", "", "")})
    import_into(target, [third], today="2026-12-05")
    (entry,) = read_glossary(target).entries
    assert entry.status is Status.REJECTED
    assert entry.note == f"was: preferred Belt and Road ({LATER})"


def test_approving_a_forbidden_target_moves_it(tmp_path: Path):
    target = tmp_path / "g.tsv"
    write_glossary(Glossary((
        GlossaryEntry("一带一路", ("Belt and Road Initiative", "OBOR"), Status.FORBIDDEN),
        GlossaryEntry("一带一路", ("Belt and Road",), Status.PREFERRED, date=DAY),
    )), target)
    review = make_review(tmp_path)
    decide(review, {"一带一路": ("approved", "", "")})
    import_into(target, [review], today=LATER)
    entries = {entry.status: entry for entry in read_glossary(target).entries}
    assert entries[Status.PREFERRED].targets == ("Belt and Road Initiative",)
    assert entries[Status.FORBIDDEN].targets == ("OBOR",)
    assert "was: preferred Belt and Road (2026-11-20)" in entries[Status.PREFERRED].note
    assert "was: forbidden Belt and Road Initiative | OBOR" in entries[Status.PREFERRED].note


def test_rows_marked_from_the_glossary_import_as_unchanged(tmp_path: Path):
    target = tmp_path / "g.tsv"
    write_glossary(GLOSSARY, target)
    before = target.read_bytes()
    review = make_review(tmp_path, glossary=GLOSSARY)
    summary = import_into(target, [review], today=LATER)
    assert sorted(summary.unchanged) == ["人工智能", "建设"]
    assert target.read_bytes() == before


def test_two_workbooks_approving_different_targets_conflict(tmp_path: Path):
    target = tmp_path / "g.tsv"
    write_glossary(GLOSSARY, target)
    before = target.read_bytes()
    one = make_review(tmp_path, "one.xlsx")
    two = make_review(tmp_path, "two.xlsx")
    decide(one, {"一带一路": ("approved", "", ""), "建设": ("rejected", "", "")})
    decide(two, {"一带一路": ("approved", "BRI", ""), "建设": ("rejected", "", "")})
    with pytest.raises(ImportConflictError) as caught:
        import_into(target, [one, two], today=LATER)
    message = str(caught.value)
    assert "1 conflicting decision(s), nothing written" in message
    assert "一带一路: preferred 'Belt and Road Initiative' in one.xlsx, sheet Terms, row 2" in message
    assert "preferred 'BRI' in two.xlsx, sheet Terms, row 2" in message
    assert target.read_bytes() == before


def test_agreeing_workbooks_merge(tmp_path: Path):
    one = make_review(tmp_path, "one.xlsx")
    two = make_review(tmp_path, "two.xlsx")
    decide(one, {"一带一路": ("approved", "", "")})
    decide(two, {"一带一路": ("approved", "Belt and Road Initiative", ""), "建设": ("rejected", "", "")})
    summary = import_into(tmp_path / "g.tsv", [one, two], today=DAY)
    assert sorted(summary.added) == ["一带一路", "建设"]


@pytest.mark.parametrize(
    ("cell", "value", "fragment"),
    [
        ("J1", "Approved", "column J should be 'Approved target' but is 'Approved'"),
        ("C1", None, "column C should be 'Simplified' but is empty"),
        ("I3", "accepted", "row 3): unknown status 'accepted'"),
        ("A3", 1, "row 3): duplicate ID '1' (also row 2)"),
    ],
)
def test_bad_workbooks_are_refused_naming_sheet_and_row(tmp_path: Path, cell: str, value: object, fragment: str):
    review = make_review(tmp_path)
    decide(review, {"一带一路": ("approved", "", "")})
    edit_cell(review, cell, value)
    target = tmp_path / "g.tsv"
    write_glossary(GLOSSARY, target)
    before = target.read_bytes()
    with pytest.raises(GlossaryError) as caught:
        import_into(target, [review], today=DAY)
    assert fragment in str(caught.value)
    assert "review.xlsx" in str(caught.value) and "sheet Terms" in str(caught.value)
    assert target.read_bytes() == before


def test_approved_row_without_any_target_is_refused(tmp_path: Path):
    review = make_review(tmp_path)
    decide(review, {"建设": ("approved", "", "")})
    with pytest.raises(GlossaryError, match=r"row 4.*neither Approved target nor Suggested target"):
        import_into(tmp_path / "g.tsv", [review], today=DAY)


def test_status_is_case_insensitive(tmp_path: Path):
    review = make_review(tmp_path)
    decide(review, {"一带一路": ("Approved", "", "")})
    assert import_into(tmp_path / "g.tsv", [review], today=DAY).added == ["一带一路"]


def test_not_a_workbook_and_foreign_workbook(tmp_path: Path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("source\ttarget\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"fake\.xlsx: not an Excel workbook"):
        import_into(tmp_path / "g.tsv", [fake], today=DAY)
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    workbook.save(other)
    with pytest.raises(GlossaryError, match="no sheet named 'Glossary'"):
        import_into(tmp_path / "g.tsv", [other], today=DAY)
    assert not (tmp_path / "g.tsv").exists()


def test_glossary_files_import_and_replace_same_status(tmp_path: Path):
    target = tmp_path / "g.tsv"
    write_glossary(Glossary((
        GlossaryEntry("财政", ("finance",), Status.PREFERRED, date=DAY),
        GlossaryEntry("财政", ("money matters",), Status.FORBIDDEN),
    )), target)
    incoming = tmp_path / "incoming.tsv"
    write_glossary(Glossary((
        GlossaryEntry("财政", ("public finance",), Status.PREFERRED, date=LATER),
        GlossaryEntry("税收", ("tax revenue",), Status.ADMITTED),
    )), incoming)
    summary = import_into(target, [incoming], today=LATER)
    assert (summary.added, summary.changed) == (["税收"], ["财政"])
    entries = {(entry.source, entry.status): entry for entry in read_glossary(target).entries}
    assert entries[("财政", Status.PREFERRED)].targets == ("public finance",)
    assert entries[("财政", Status.PREFERRED)].note == f"was: preferred finance ({DAY})"
    assert entries[("财政", Status.FORBIDDEN)].targets == ("money matters",)


def test_bad_existing_glossary_is_reported_and_kept(tmp_path: Path):
    target = tmp_path / "g.tsv"
    target.write_text("\t".join(GLOSSARY_COLUMNS) + "\n财政\t\tfinance\tok\t\t\t\n", encoding="utf-8")
    review = make_review(tmp_path)
    with pytest.raises(GlossaryError, match=r"g\.tsv:2: unknown status 'ok'"):
        import_into(target, [review], today=DAY)


# --- command line ---


def test_cli_import_prints_summary(tmp_path: Path):
    review = make_review(tmp_path)
    decide(review, {"一带一路": ("approved", "", ""), "建设": ("rejected", "", "")})
    target = tmp_path / "g.tsv"
    result = CliRunner().invoke(cli, ["import", str(review), "--into", str(target), "--date", DAY])
    assert result.exit_code == 0, result.output
    assert "added: 一带一路, 建设" in result.output
    assert "2 added, 0 changed, 0 unchanged, 0 conflicts (1 rows not yet decided)" in result.output
    assert read_glossary(target).entries[0].date == DAY


def test_cli_import_dry_run_writes_nothing(tmp_path: Path):
    review = make_review(tmp_path)
    decide(review, {"一带一路": ("approved", "", "")})
    target = tmp_path / "g.tsv"
    result = CliRunner().invoke(cli, ["import", str(review), "--into", str(target), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output and "dry run" in result.output
    assert not target.exists()


def test_cli_import_conflict_exits_non_zero(tmp_path: Path):
    one = make_review(tmp_path, "one.xlsx")
    two = make_review(tmp_path, "two.xlsx")
    decide(one, {"一带一路": ("approved", "", "")})
    decide(two, {"一带一路": ("rejected", "", "")})
    target = tmp_path / "g.tsv"
    result = CliRunner().invoke(cli, ["import", str(one), str(two), "--into", str(target)])
    assert result.exit_code == 3
    assert "Error: 1 conflicting decision(s), nothing written" in result.output
    assert "rejected 'Belt and Road Initiative' in two.xlsx" in result.output
    assert not target.exists()


def test_cli_import_bad_date(tmp_path: Path):
    review = make_review(tmp_path)
    result = CliRunner().invoke(cli, ["import", str(review), "--into", str(tmp_path / "g.tsv"), "--date", "20.11."])
    assert result.exit_code == 3
    assert "not an ISO date" in result.output


def test_console_script_import(tmp_path: Path):
    review = make_review(tmp_path)
    decide(review, {"人工智能": ("approved", "AI", "")})
    target = tmp_path / "g.tsv"
    script = Path(sys.executable).parent / "termsieve"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "termsieve"]
    result = subprocess.run([*command, "import", str(review), "--into", str(target), "--date", DAY],
                            capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout
    assert read_glossary(target).entries[0].targets == ("AI",)


def test_reviewer_may_approve_several_targets(tmp_path: Path):
    review = make_review(tmp_path)
    decide(review, {"人工智能": ("approved", "artificial intelligence | AI", "")})
    target = tmp_path / "g.tsv"
    import_into(target, [review], today=DAY)
    assert read_glossary(target).entries[0].targets == ("artificial intelligence", "AI")
    assert import_into(target, [review], today=LATER).unchanged == ["人工智能"]


def test_into_must_be_a_native_glossary(tmp_path: Path):
    review = make_review(tmp_path)
    with pytest.raises(GlossaryError, match=r"must be a native \.tsv glossary"):
        import_into(tmp_path / "g.tbx", [review], today=DAY)
