"""Extraction output writers: flat lists (TSV, CSV, JSON) and the review workbook."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from termsieve.errors import FormatError
from termsieve.model import Glossary, GlossaryEntry, InputFile, Location, Status
from termsieve.results import Alternative, Context, Extraction, Span, TermResult
from termsieve.writers import CC_CEDICT_CREDIT, EXTRACTION_COLUMNS, write_extraction
from termsieve.writers.review_workbook import CONTEXT_COLUMNS, REVIEW_COLUMNS

ZH_1 = "我们要推进一带一路建设，发展人工智能。"
EN_1 = "We will advance the Belt and Road Initiative and develop artificial intelligence."
ZH_2 = "堅持一帶一路倡議。"
EN_2 = "We will stay committed to the Belt and Road Initiative."


def _span(text: str, part: str) -> Span:
    start = text.index(part)
    return Span(start, start + len(part))


def sample_extraction() -> Extraction:
    """Three terms, deliberately not in score order: a weak one, a strong one, a middling one."""
    report = "report.txt"
    belt = TermResult(
        source="一带一路",
        source_simplified="一带一路",
        target="Belt and Road Initiative",
        score=0.91234,
        alternatives=(Alternative("Belt and Road", 0.5), Alternative("BRI", 0.3), Alternative("the Belt", 0.2),
                      Alternative("Road", 0.1)),
        frequency=2,
        location=Location(report, 3),
        variants=("一带一路", "一帶一路"),
        termhood=0.81,
        contexts=(
            Context(ZH_1, EN_1, _span(ZH_1, "一带一路"), _span(EN_1, "Belt and Road Initiative"), Location(report, 3),
                    "Belt and Road Initiative"),
            Context(ZH_2, EN_2, _span(ZH_2, "一帶一路"), _span(EN_2, "Belt and Road Initiative"), Location(report, 9),
                    "Belt and Road Initiative"),
        ),
    )
    ai = TermResult(
        source="人工智能",
        source_simplified="人工智能",
        target="artificial intelligence",
        score=0.55,
        alternatives=(),
        frequency=5,
        location=Location(report, 3),
        termhood=0.7,
        contexts=(Context(ZH_1, EN_1, _span(ZH_1, "人工智能"), _span(EN_1, "artificial intelligence"),
                          Location(report, 3), "artificial intelligence"),),
    )
    unmatched = TermResult(
        source="建设",
        source_simplified="建设",
        target="",
        score=0.0,
        alternatives=(),
        frequency=9,
        location=Location(report, 3),
        termhood=0.3,
        contexts=(Context(ZH_1, EN_1, _span(ZH_1, "建设"), None, Location(report, 3)),),
    )
    return Extraction(
        terms=(unmatched, belt, ai),
        inputs=(InputFile(report, "ab" * 32, "text"),),
        signature={"segmenter": "jieba", "version": "0.1.0"},
        pair_count=12,
    )


GLOSSARY = Glossary((
    GlossaryEntry("人工智能", ("artificial intelligence", "AI"), Status.PREFERRED),
    GlossaryEntry("建设", (), Status.REJECTED, note="not a term"),
))


# --- flat lists ---


def test_tsv_columns_and_values(tmp_path: Path):
    out = tmp_path / "terms.tsv"
    write_extraction(sample_extraction(), out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == list(EXTRACTION_COLUMNS)
    rows = [dict(zip(EXTRACTION_COLUMNS, line.split("\t"))) for line in lines[1:]]
    assert [row["source"] for row in rows] == ["建设", "一带一路", "人工智能"]  # extraction order kept
    belt = rows[1]
    assert belt["score"] == "0.912"
    assert belt["alternatives"] == "Belt and Road | BRI | the Belt"  # at most three
    assert belt["frequency"] == "2"
    assert belt["location"] == "report.txt:3"
    assert belt["variants"] == "一带一路 | 一帶一路"
    assert belt["termhood"] == "0.810"
    # each alternative's own score, in the alternatives' order
    assert belt["alternative_scores"] == " | ".join(
        f"{alternative.score:.3f}" for alternative in sample_extraction().terms[1].alternatives[:3])
    assert rows[0]["target"] == ""
    assert rows[0]["alternative_scores"] == ""


def test_csv_has_bom_and_parses_with_the_same_columns(tmp_path: Path):
    out = tmp_path / "terms.csv"
    write_extraction(sample_extraction(), out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == list(EXTRACTION_COLUMNS)
    assert rows[1]["target"] == "Belt and Road Initiative"
    assert rows[1]["score"] == "0.912"


def test_json_has_metadata_and_lists(tmp_path: Path):
    out = tmp_path / "terms.json"
    write_extraction(sample_extraction(), out)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["metadata"]["dictionary_credit"] == CC_CEDICT_CREDIT
    assert document["metadata"]["signature"] == {"segmenter": "jieba", "version": "0.1.0"}
    assert document["metadata"]["inputs"] == [{"path": "report.txt", "sha256": "ab" * 32, "format": "text"}]
    belt = document["terms"][1]
    assert set(belt) == set(EXTRACTION_COLUMNS)
    assert belt["alternatives"] == ["Belt and Road", "BRI", "the Belt"]
    assert belt["alternative_scores"] == [
        round(alternative.score, 3) for alternative in sample_extraction().terms[1].alternatives[:3]]
    assert belt["score"] == 0.912
    assert belt["location"] == "report.txt:3"


def test_glossary_terms_are_marked_or_left_out(tmp_path: Path):
    out = tmp_path / "terms.json"
    write_extraction(sample_extraction(), out, glossary=GLOSSARY)
    terms = {term["source"]: term for term in json.loads(out.read_text(encoding="utf-8"))["terms"]}
    assert terms["人工智能"]["glossary_status"] == "preferred"
    assert terms["人工智能"]["glossary_target"] == "artificial intelligence"
    assert terms["建设"]["glossary_status"] == "rejected"
    assert terms["一带一路"]["glossary_status"] == ""
    write_extraction(sample_extraction(), out, glossary=GLOSSARY, new_only=True)
    terms = json.loads(out.read_text(encoding="utf-8"))["terms"]
    assert [term["source"] for term in terms] == ["一带一路"]


def test_glossary_variant_matches_traditional_term(tmp_path: Path):
    glossary = Glossary((GlossaryEntry("一带一路", ("BRI",), Status.FORBIDDEN, variants=("一帶一路",)),))
    out = tmp_path / "terms.tsv"
    write_extraction(sample_extraction(), out, glossary=glossary)
    belt = out.read_text(encoding="utf-8").splitlines()[2].split("\t")
    assert belt[EXTRACTION_COLUMNS.index("glossary_status")] == "forbidden"


def test_unknown_extension_lists_formats(tmp_path: Path):
    with pytest.raises(FormatError, match="cannot tell"):
        write_extraction(sample_extraction(), tmp_path / "terms.docx")
    with pytest.raises(FormatError, match="known formats: csv, json, tsv, xlsx"):
        write_extraction(sample_extraction(), tmp_path / "terms.out", format="docx")
    assert list(tmp_path.iterdir()) == []


def test_missing_output_directory_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FormatError, match="output directory does not exist"):
        write_extraction(sample_extraction(), tmp_path / "absent" / "terms.tsv")


# --- review workbook ---


def _workbook(tmp_path: Path, **options):
    from openpyxl import load_workbook

    out = tmp_path / "review.xlsx"
    write_extraction(sample_extraction(), out, **options)
    return load_workbook(out, rich_text=True)


def _rows(sheet) -> list[dict[str, object]]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_workbook_sheets_headers_and_order(tmp_path: Path):
    workbook = _workbook(tmp_path)
    assert workbook.sheetnames == ["Terms", "Contexts", "About"]
    terms = workbook["Terms"]
    assert tuple(cell.value for cell in terms[1]) == REVIEW_COLUMNS
    rows = _rows(terms)
    # score first, then frequency
    assert [row["Simplified"] for row in rows] == ["一带一路", "人工智能", "建设"]
    belt = rows[0]
    assert belt["ID"] == 1
    assert belt["Pinyin"] == "yī dài yī lù"
    assert belt["Score"] == 0.912
    assert belt["Alternatives"] == "Belt and Road | BRI | the Belt"
    assert belt["Status"] == "candidate"
    assert belt["Approved target"] is None
    assert str(belt["Locations"]) == "report.txt:3\nreport.txt:9"
    assert "(9 occurrences in all)" in str(rows[2]["Locations"])
    contexts = _rows(workbook["Contexts"])
    assert tuple(workbook["Contexts"][1][i].value for i in range(len(CONTEXT_COLUMNS))) == CONTEXT_COLUMNS
    assert len(contexts) == 4
    assert [str(row["Location"]) for row in contexts if row["ID"] == 1] == ["report.txt:3", "report.txt:9"]


def test_workbook_highlights_term_and_match_with_explicit_font(tmp_path: Path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    terms = _workbook(tmp_path)["Terms"]
    column = {name: index + 1 for index, name in enumerate(REVIEW_COLUMNS)}
    source = terms.cell(row=2, column=column["Source context"]).value
    target = terms.cell(row=2, column=column["Target context"]).value
    assert isinstance(source, CellRichText)
    bold = [block for block in source if isinstance(block, TextBlock) and block.font.b]
    assert [block.text for block in bold] == ["一带一路"]
    assert bold[0].font.rFont == "Calibri"
    assert str(source) == ZH_1
    bold = [block for block in target if isinstance(block, TextBlock) and block.font.b]
    assert [block.text for block in bold] == ["Belt and Road Initiative"]
    assert all(block.font.rFont for block in target if isinstance(block, TextBlock))
    # no English match: the sentence is plain text
    unmatched_target = terms.cell(row=4, column=column["Target context"]).value
    assert str(unmatched_target) == EN_1 and not isinstance(unmatched_target, CellRichText)


def test_workbook_review_aids(tmp_path: Path):
    terms = _workbook(tmp_path)["Terms"]
    assert terms.freeze_panes == "C2"
    assert terms.auto_filter.ref == "A1:O4"
    validations = terms.data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].formula1 == '"candidate,approved,rejected,needs-review"'
    assert str(validations[0].sqref).startswith("I2:")
    rules = [rule for ranges in terms.conditional_formatting for rule in ranges.rules]
    assert [rule.type for rule in rules] == ["colorScale"]
    assert str(next(iter(terms.conditional_formatting)).sqref) == "G2:G4"
    assert terms.column_dimensions["M"].width >= 40
    assert terms["M2"].alignment.wrap_text


def test_workbook_about_sheet(tmp_path: Path):
    about = {row[0]: row[1] for row in _workbook(tmp_path)["About"].iter_rows(values_only=True)}
    assert about["Dictionary"] == CC_CEDICT_CREDIT
    assert about["Terms"] == 3
    assert about["Aligned segments"] == 12
    assert about["Setting: segmenter"] == "jieba"
    assert about["Input 1"] == f"report.txt (text) sha256 {'ab' * 32}"


def test_workbook_marks_glossary_terms(tmp_path: Path):
    rows = {row["Simplified"]: row for row in _rows(_workbook(tmp_path, glossary=GLOSSARY)["Terms"])}
    assert rows["人工智能"]["Status"] == "approved"
    assert rows["人工智能"]["Approved target"] == "artificial intelligence"
    assert rows["人工智能"]["Glossary"] == "preferred: artificial intelligence | AI"
    assert rows["建设"]["Status"] == "rejected"
    assert rows["一带一路"]["Status"] == "candidate"
    rows = _rows(_workbook(tmp_path, glossary=GLOSSARY, new_only=True)["Terms"])
    assert [row["Simplified"] for row in rows] == ["一带一路"]


def test_empty_extraction_gives_a_valid_workbook(tmp_path: Path):
    from openpyxl import load_workbook

    out = tmp_path / "review.xlsx"
    write_extraction(Extraction((), ()), out)
    workbook = load_workbook(out)
    assert workbook["Terms"].max_row == 1


def test_control_characters_do_not_break_the_workbook(tmp_path: Path):
    from openpyxl import load_workbook

    sentence = "一带一路\x0b倡议"
    term = TermResult("一带一路", "一带一路", "Belt\x01 and Road", 0.5, (), 1, Location("a.txt", 1),
                      contexts=(Context(sentence, "Belt and Road", Span(0, 4), Span(0, 13), Location("a.txt", 1)),))
    out = tmp_path / "review.xlsx"
    write_extraction(Extraction((term,), ()), out)
    row = _rows(load_workbook(out)["Terms"])[0]
    assert row["Suggested target"] == "Belt and Road"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook(tmp_path: Path):
    """LibreOffice converts the Terms sheet without complaint, and the text survives."""
    out = tmp_path / "review.xlsx"
    write_extraction(sample_extraction(), out, glossary=GLOSSARY)
    converted = tmp_path / "converted"
    # 44,34,76: comma, double quote, UTF-8; a private profile so a running LibreOffice does not interfere
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(converted), str(out)],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader((converted / "review.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0] == list(REVIEW_COLUMNS)
    assert rows[1][:3] == ["1", "一带一路", "一带一路"]
    assert rows[1][REVIEW_COLUMNS.index("Source context")] == ZH_1
    assert rows[2][REVIEW_COLUMNS.index("Status")] == "approved"
    # and back through openpyxl: LibreOffice can re-save it as xlsx that we read
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(converted), str(out)],
        capture_output=True, text=True, timeout=180, check=True,
    )
    from openpyxl import load_workbook

    resaved = load_workbook(converted / "review.xlsx")
    assert [cell.value for cell in resaved["Terms"][1]] == list(REVIEW_COLUMNS)
    assert resaved["Terms"]["C3"].value == "人工智能"
