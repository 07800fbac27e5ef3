"""Glossary as an Excel workbook: one sheet "Glossary" with the native columns as headers.

Also the shared helpers for opening any .xlsx that termsieve reads back (glossary or review workbook).
"""

from __future__ import annotations

import io
from pathlib import Path

from ..errors import GlossaryError
from ..glossary import GLOSSARY_COLUMNS, check_header, check_unique, row_to_entry, sort_glossary, write_bytes_atomic
from ..model import Glossary

GLOSSARY_SHEET = "Glossary"
_WIDTHS = {"source": 18, "variants": 18, "target": 40, "status": 12, "note": 40, "reference": 30, "date": 12}


def write_xlsx_glossary(glossary: Glossary, path: str | Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..glossary import entry_to_row
    from ..model import Status

    workbook = Workbook()
    workbook.properties.creator = "termsieve"
    sheet = workbook.active
    sheet.title = GLOSSARY_SHEET
    for index, name in enumerate(GLOSSARY_COLUMNS, start=1):
        sheet.cell(row=1, column=index, value=name).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[name]
    entries = sort_glossary(glossary).entries
    for row_number, entry in enumerate(entries, start=2):
        row = entry_to_row(entry)
        for index, name in enumerate(GLOSSARY_COLUMNS, start=1):
            # openpyxl stores str as text, so "2026-11-20" stays a string, not a date
            cell = sheet.cell(row=row_number, column=index, value=row[name] or None)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    status_letter = get_column_letter(GLOSSARY_COLUMNS.index("status") + 1)
    validation = DataValidation(type="list", formula1='"' + ",".join(s.value for s in Status) + '"', allow_blank=False)
    validation.add(f"{status_letter}2:{status_letter}{len(entries) + 1001}")
    sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(GLOSSARY_COLUMNS))}{len(entries) + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_bytes_atomic(path, buffer.getvalue())


def read_xlsx_glossary(path: str | Path) -> Glossary:
    path_text = str(path)
    workbook = open_workbook(path)
    try:
        if GLOSSARY_SHEET not in workbook.sheetnames:
            raise GlossaryError(
                f"no sheet named {GLOSSARY_SHEET!r} (sheets: {', '.join(workbook.sheetnames)}); "
                "expected a glossary exported by termsieve",
                path=path_text,
            )
        rows = workbook[GLOSSARY_SHEET].iter_rows(values_only=True)
        header = next(rows, None)
        where = f"sheet {GLOSSARY_SHEET}, row 1"
        if header is None:
            raise GlossaryError("empty sheet: a header row is needed", path=path_text, where=where)
        names = check_header([cell_text(value) for value in header], path=path_text, line=None, where=where)
        entries = []
        for row_number, values in enumerate(rows, start=2):
            cells = [cell_text(value) for value in values]
            if not any(cell.strip() for cell in cells):
                continue
            where = f"sheet {GLOSSARY_SHEET}, row {row_number}"
            if any(cell.strip() for cell in cells[len(names):]):
                raise GlossaryError("a value beyond the last header column", path=path_text, where=where)
            row = {name: value for name, value in zip(names, cells) if name}
            entries.append((row_to_entry(row, path=path_text, where=where), row_number))
    finally:
        workbook.close()
    return check_unique(entries, path_text, unit=f"sheet {GLOSSARY_SHEET}, row")


def open_workbook(path: str | Path):
    """Open an .xlsx read-only, values only; a file that is not a workbook is a GlossaryError."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise GlossaryError(f"not an Excel workbook (.xlsx): {error}", path=str(path)) from None


def cell_text(value: object) -> str:
    """A cell value as text: whole numbers without ".0", dates as ISO dates, None as ""."""
    import datetime

    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
