"""The native glossary TSV: parsing, validation, canonical writing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from termsieve.errors import FormatError, GlossaryError
from termsieve.glossary import GLOSSARY_COLUMNS, read_glossary, write_glossary
from termsieve.model import Glossary, GlossaryEntry, Status

FIXTURES = Path(__file__).parent / "fixtures" / "glossary"
HEADER = "\t".join(GLOSSARY_COLUMNS) + "\n"


def write(tmp_path: Path, text: str, name: str = "g.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_fixture_sorted_by_source_then_status_order():
    glossary = read_glossary(FIXTURES / "sample.tsv")
    keys = [(entry.source, entry.status) for entry in glossary.entries]
    assert keys == [
        ("一带一路", Status.PREFERRED),
        ("一带一路", Status.ADMITTED),
        ("一带一路", Status.FORBIDDEN),
        ("人工智能", Status.PREFERRED),
        ("今年", Status.REJECTED),
        ("高质量发展", Status.PREFERRED),
        ("高质量发展", Status.DEPRECATED),
    ]
    ai = glossary.for_source("人工智能")[0]
    assert ai.targets == ("artificial intelligence", "AI")
    assert ai.note == "see \\\\ and\ttab"
    assert ai.reference == "review.xlsx"
    assert ai.date == "2026-11-20"
    assert glossary.for_source("一带一路")[0].variants == ("一帶一路",)
    assert glossary.for_source("今年")[0].targets == ()


def test_write_then_read_is_identity_and_canonical(tmp_path: Path):
    glossary = read_glossary(FIXTURES / "sample.tsv")
    out = tmp_path / "out.tsv"
    write_glossary(glossary, out)
    assert read_glossary(out) == glossary
    text = out.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    # one physical line per entry: escapes keep the tab inside the note on its line
    assert len(text.splitlines()) == 1 + len(glossary.entries)
    assert "see \\\\\\\\ and\\ttab" in text
    # writing again gives byte-identical output (stable for git)
    write_glossary(read_glossary(out), tmp_path / "again.tsv")
    assert (tmp_path / "again.tsv").read_text(encoding="utf-8") == text


def test_write_sorts_unsorted_entries(tmp_path: Path):
    entries = (
        GlossaryEntry("税收", ("tax revenue",), Status.PREFERRED),
        GlossaryEntry("财政", ("finances",), Status.FORBIDDEN),
        GlossaryEntry("财政", ("public finance",), Status.PREFERRED),
    )
    out = tmp_path / "g.tsv"
    write_glossary(Glossary(entries), out)
    rows = [line.split("\t")[:4] for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert rows == [
        ["税收", "", "tax revenue", "preferred"],
        ["财政", "", "public finance", "preferred"],
        ["财政", "", "finances", "forbidden"],
    ]


def test_newlines_inside_fields_round_trip(tmp_path: Path):
    entry = GlossaryEntry("财政", ("public finance",), Status.PREFERRED, note="line one\nline two\\n literal")
    out = tmp_path / "g.tsv"
    write_glossary(Glossary((entry,)), out)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert read_glossary(out).entries == (entry,)


def test_traditional_key_becomes_simplified_with_written_form_as_variant(tmp_path: Path):
    path = write(tmp_path, HEADER + "財政\t\tpublic finance\tpreferred\t\t\t\n")
    (entry,) = read_glossary(path).entries
    assert entry.source == "财政"
    assert entry.variants == ("財政",)


def test_minimal_columns_and_short_rows_are_accepted(tmp_path: Path):
    path = write(tmp_path, "Source\ttarget\tstatus\n财政\tpublic finance\tPreferred\n")
    (entry,) = read_glossary(path).entries
    assert entry == GlossaryEntry("财政", ("public finance",), Status.PREFERRED)
    path = write(tmp_path, HEADER + "今年\t\t\trejected\n")
    assert read_glossary(path).entries[0].status is Status.REJECTED


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (HEADER + "财政\t\tpublic finance\tapproved\t\t\t\n", 2, "unknown status 'approved'"),
        ("source\tvariants\tstatus\n财政\t\tpreferred\n", 1, "missing column 'target'"),
        ("source\ttarget\tstatus\tcomment\n", 1, "unknown column 'comment'"),
        (HEADER + "财政\t\tpublic finance\tpreferred\t\t\t\n\n财政\t\tfinance\tpreferred\t\t\t\n", 4, "duplicate"),
        (HEADER + "财政\t\tpublic finance\tpreferred\t\t\t\textra\n", 2, "stray tab"),
        (HEADER + "财政\t\t\tpreferred\t\t\t\n", 2, "has no target"),
        (HEADER + "\t\tpublic finance\tpreferred\t\t\t\n", 2, "empty source"),
        (HEADER + "财政\t\tpublic finance\tpreferred\t\t\t20/11/2026\n", 2, "ISO date"),
        (HEADER + "财政\t\tpublic finance\tpreferred\tbad \\x escape\t\t\n", 2, "unknown escape"),
        ("", None, "empty glossary"),
    ],
)
def test_bad_glossaries_name_file_and_line(tmp_path: Path, text: str, line: int | None, fragment: str):
    path = write(tmp_path, text)
    with pytest.raises(GlossaryError) as caught:
        read_glossary(path)
    assert fragment in str(caught.value)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    if line:
        assert f"g.tsv:{line}: " in str(caught.value)


def test_duplicate_error_names_both_lines(tmp_path: Path):
    path = write(tmp_path, HEADER + "财政\t\ta\tpreferred\n税收\t\tb\tpreferred\n財政\t\tc\tpreferred\n")
    with pytest.raises(GlossaryError, match=r"g\.tsv:4: duplicate entry for '财政'.*first at line 2"):
        read_glossary(path)


def test_not_utf8_is_refused_with_line(tmp_path: Path):
    path = tmp_path / "g.tsv"
    path.write_bytes(HEADER.encode() + "财政\t\tpublic finance\tpreferred\n".encode("gb18030"))
    with pytest.raises(GlossaryError, match="not UTF-8") as caught:
        read_glossary(path)
    assert caught.value.line == 2


def test_unknown_extension_and_missing_file(tmp_path: Path):
    with pytest.raises(FormatError, match="cannot tell"):
        read_glossary(write(tmp_path, "x", name="g.docx"))
    with pytest.raises(GlossaryError, match="not found"):
        read_glossary(tmp_path / "absent.tsv")


def test_failed_write_leaves_existing_file_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = write(tmp_path, "old content\n")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_glossary(Glossary((GlossaryEntry("财政", ("public finance",), Status.PREFERRED),)), out)
    assert out.read_text(encoding="utf-8") == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["g.tsv"]  # no temp file left behind
