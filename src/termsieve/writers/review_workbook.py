"""The review workbook (.xlsx): sheets Terms, Contexts and About, written with openpyxl.

The headers of the Terms sheet are a contract with `termsieve import` (REVIEW_COLUMNS); reviewers fill
in Status, Approved target and Reviewer note, nothing else is read back except ID, Source, Simplified,
Suggested target and Locations.
"""

from __future__ import annotations

import io
from copy import copy
from datetime import datetime, timezone
from functools import cache, lru_cache
from pathlib import Path

from ..glossary import write_bytes_atomic
from ..results import Context, Extraction, Span, TermResult
from . import CC_CEDICT_CREDIT, GlossaryMark, alternative_targets, sorted_terms

TERMS_SHEET = "Terms"
CONTEXTS_SHEET = "Contexts"
ABOUT_SHEET = "About"

REVIEW_COLUMNS = (
    "ID",
    "Source",
    "Simplified",
    "Pinyin",
    "Frequency",
    "Suggested target",
    "Score",
    "Alternatives",
    "Status",
    "Approved target",
    "Reviewer note",
    "Glossary",
    "Source context",
    "Target context",
    "Locations",
)
CONTEXT_COLUMNS = ("ID", "Source", "Target found", "Chinese sentence", "English sentence", "Location")
REVIEW_STATUSES = ("candidate", "approved", "rejected", "needs-review")
DEFAULT_STATUS = "candidate"

_WIDTHS = {
    "ID": 7, "Source": 16, "Simplified": 16, "Pinyin": 22, "Frequency": 10, "Suggested target": 30,
    "Score": 8, "Alternatives": 30, "Status": 14, "Approved target": 30, "Reviewer note": 30, "Glossary": 24,
    "Source context": 50, "Target context": 60, "Locations": 28,
}
_CONTEXT_WIDTHS = {"ID": 7, "Source": 16, "Target found": 28, "Chinese sentence": 60, "English sentence": 80,
                   "Location": 28}
# Calibri is openpyxl's default cell font; naming it in every rich-text run keeps LibreOffice from
# substituting its own default for the highlighted words only.
_FONT_NAME = "Calibri"
_FONT_SIZE = 11
_SOURCE_COLOUR = "C00000"
_TARGET_COLOUR = "1F4E79"
_HEADER_FILL = "DDEBF7"
_CONTEXT_WINDOW = 150  # characters kept either side of a highlighted term in long sentences
_MAX_LOCATIONS = 20

# What a glossary status becomes in the workbook's Status column.
_STATUS_FROM_GLOSSARY = {
    "preferred": "approved",
    "admitted": "approved",
    "rejected": "rejected",
    "deprecated": "needs-review",
    "forbidden": "needs-review",
}


def write_review_workbook(extraction: Extraction, path: str | Path, *,
                          marks: dict[str, GlossaryMark] | None = None) -> None:
    from openpyxl import Workbook

    marks = marks or {}
    terms = sorted_terms(extraction.terms)
    workbook = Workbook()
    workbook.properties.creator = "termsieve"
    terms_sheet = workbook.active
    terms_sheet.title = TERMS_SHEET
    _write_terms(terms_sheet, terms, marks)
    _write_contexts(workbook.create_sheet(CONTEXTS_SHEET), terms)
    _write_about(workbook.create_sheet(ABOUT_SHEET), extraction, len(marks))
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_bytes_atomic(path, buffer.getvalue())


def pinyin(text: str) -> str:
    """Tone-marked pinyin, one syllable per character, non-Chinese text kept as it is."""
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(text, style=Style.TONE)).strip()


def _write_terms(sheet, terms: list[TermResult], marks: dict[str, GlossaryMark]) -> None:
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.worksheet.datavalidation import DataValidation

    _header(sheet, REVIEW_COLUMNS, _WIDTHS)
    wrap = _Wrapper()
    column = {name: index + 1 for index, name in enumerate(REVIEW_COLUMNS)}
    for row_number, term in enumerate(terms, start=2):
        mark = marks.get(term.source_simplified)
        context = _best_context(term)
        values = {
            "ID": row_number - 1,
            "Source": term.source,
            "Simplified": term.source_simplified,
            "Pinyin": pinyin(term.source_simplified),
            "Frequency": term.frequency,
            "Suggested target": term.target,
            "Score": round(term.score, 3),
            "Alternatives": " | ".join(alternative_targets(term)),
            "Status": _STATUS_FROM_GLOSSARY[mark.status] if mark else DEFAULT_STATUS,
            "Approved target": mark.target if mark and mark.status in ("preferred", "admitted") else "",
            "Reviewer note": "",
            "Glossary": mark.summary if mark else "",
            "Source context": _highlighted(context.source_sentence, context.source_span, _SOURCE_COLOUR)
            if context else "",
            "Target context": _highlighted(context.target_sentence, context.target_span, _TARGET_COLOUR)
            if context else "",
            "Locations": _locations(term),
        }
        for name, value in values.items():
            cell = sheet.cell(row=row_number, column=column[name], value=_clean(value))
            wrap(cell)
            if name == "Score":
                cell.number_format = "0.000"
    last_row = len(terms) + 1
    last_column = _letter(len(REVIEW_COLUMNS))
    sheet.freeze_panes = "C2"  # header row, and ID + Source while scrolling right
    sheet.auto_filter.ref = f"A1:{last_column}{last_row}"
    status_letter = _letter(column["Status"])
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(REVIEW_STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Status",
        error="Choose one of: " + ", ".join(REVIEW_STATUSES),
    )
    validation.add(f"{status_letter}2:{status_letter}{max(last_row, 2) + 1000}")
    sheet.add_data_validation(validation)
    if terms:
        score_letter = _letter(column["Score"])
        sheet.conditional_formatting.add(
            f"{score_letter}2:{score_letter}{last_row}",
            ColorScaleRule(start_type="num", start_value=0, start_color="F8696B",
                           mid_type="num", mid_value=0.5, mid_color="FFEB84",
                           end_type="num", end_value=1, end_color="63BE7B"),
        )


def _write_contexts(sheet, terms: list[TermResult]) -> None:
    _header(sheet, CONTEXT_COLUMNS, _CONTEXT_WIDTHS)
    wrap = _Wrapper()
    row_number = 2
    for term_id, term in enumerate(terms, start=1):
        for context in term.contexts:
            values = (
                term_id,
                term.source,
                context.target_found,
                # Plain text here: rich text for every occurrence made large workbooks several times
                # slower to write and open; the Terms sheet highlights one context per term.
                context.source_sentence,
                context.target_sentence,
                str(context.location),
            )
            for index, value in enumerate(values, start=1):
                wrap(sheet.cell(row=row_number, column=index, value=_clean(value)))
            row_number += 1
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{_letter(len(CONTEXT_COLUMNS))}{max(row_number - 1, 1)}"


def _write_about(sheet, extraction: Extraction, marked: int) -> None:
    from openpyxl.styles import Font

    from .. import __version__

    rows: list[tuple[str, object]] = [
        ("Generated by", f"termsieve {__version__}"),
        ("Date", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("Aligned segments", extraction.pair_count),
        ("Terms", len(extraction.terms)),
        ("Terms with an English equivalent", sum(1 for term in extraction.terms if term.target)),
        ("Terms already in the glossary", marked),
        ("Contexts", sum(len(term.contexts) for term in extraction.terms)),
    ]
    rows += [(f"Setting: {key}", value) for key, value in sorted(extraction.signature.items())]
    rows += [(f"Input {index}", f"{item.path} ({item.format}) sha256 {item.sha256}")
             for index, item in enumerate(extraction.inputs, start=1)]
    rows += [
        ("Dictionary", CC_CEDICT_CREDIT),
        ("How to review", "In the Terms sheet set Status to approved or rejected (candidate and needs-review rows "
                          "are not imported). Type a corrected English term in Approved target; an approved row "
                          "with it empty takes the Suggested target. Do not rename the header row. Then run: "
                          "termsieve import THIS.xlsx --into glossaries/NAME.tsv"),
    ]
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 100
    for row_number, (key, value) in enumerate(rows, start=1):
        sheet.cell(row=row_number, column=1, value=key).font = Font(bold=True)
        sheet.cell(row=row_number, column=2, value=_clean(value)).alignment = _wrapped()


def _header(sheet, columns: tuple[str, ...], widths: dict[str, int]) -> None:
    from openpyxl.styles import Font, PatternFill

    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = _wrapped()
        sheet.column_dimensions[_letter(index)].width = widths.get(name, 15)


def _best_context(term: TermResult) -> Context | None:
    """The first context where the English was found, else the first one."""
    for context in term.contexts:
        if context.target_span is not None:
            return context
    return term.contexts[0] if term.contexts else None


def _highlighted(sentence: str, span: Span | None, colour: str):
    """The sentence as rich text with `span` bold and coloured; long sentences cut around it."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    if span is None or not (0 <= span.start < span.end <= len(sentence)):
        limit = 2 * _CONTEXT_WINDOW
        return _clean(sentence if len(sentence) <= limit else sentence[:limit] + "…")
    start = max(0, span.start - _CONTEXT_WINDOW)
    end = min(len(sentence), span.end + _CONTEXT_WINDOW)
    before = _clean(("…" if start else "") + sentence[start:span.start])
    match = _clean(sentence[span.start:span.end])
    after = _clean(sentence[span.end:end] + ("…" if end < len(sentence) else ""))
    plain = _inline_font(False, None)
    parts = []
    if before:
        parts.append(TextBlock(plain, before))
    if match:
        parts.append(TextBlock(_inline_font(True, colour), match))
    if after:
        parts.append(TextBlock(plain, after))
    return CellRichText(*parts) if parts else ""


def _locations(term: TermResult) -> str:
    """Distinct file:line of the contexts (the first occurrence when there are none), and how many more."""
    listed = list(dict.fromkeys(str(context.location) for context in term.contexts))[:_MAX_LOCATIONS]
    if not listed:
        listed = [str(term.location)]
    text = "\n".join(listed)
    if term.frequency > len(listed):
        text += f"\n({term.frequency} occurrences in all)"
    return text


def _clean(value):
    """Drop control characters that the xlsx XML cannot hold (openpyxl would refuse the cell)."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


class _Wrapper:
    """Wraps text in a cell, copying the first cell's style record to the others.

    Assigning `cell.alignment` makes openpyxl hash and look up the style for every cell; copying the
    style array of a cell already styled the same way is what openpyxl's own copy does, and made
    writing large workbooks about twice as fast.
    """

    def __init__(self):
        self._style = None

    def __call__(self, cell) -> None:
        if self._style is None:
            cell.alignment = _wrapped()
            self._style = copy(cell._style)
        else:
            cell._style = copy(self._style)


@lru_cache(maxsize=1)
def _wrapped():
    # One shared object: openpyxl compares styles by value for every cell, and building a new one per
    # cell was most of the run time on large workbooks.
    from openpyxl.styles import Alignment

    return Alignment(wrap_text=True, vertical="top")


@cache
def _inline_font(bold: bool, colour: str | None):
    from openpyxl.cell.text import InlineFont

    if bold:
        return InlineFont(rFont=_FONT_NAME, sz=_FONT_SIZE, b=True, color=colour)
    return InlineFont(rFont=_FONT_NAME, sz=_FONT_SIZE)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
