"""Glossary as CSV for CAT tools (memoQ, Trados MultiTerm Glossary Converter) that map columns by header.

Layout: header `zh-CN,en-US,Status,Note,Variants,Reference,Date`, one row per (source term, status),
UTF-8 with a byte order mark, comma-separated, RFC 4180 quoting. Several English terms share the en-US
cell separated by "|" (memoQ: "Split alternatives in field by" |; Glossary Converter: synonym
separator |). Rejected entries (candidates a reviewer turned down) mean nothing to a CAT tool and are
left out unless `include_rejected` is set.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import GlossaryError
from ..glossary import check_unique, read_utf8, row_to_entry, sort_glossary, write_text_atomic
from ..model import Glossary, Status

CSV_COLUMNS = ("zh-CN", "en-US", "Status", "Note", "Variants", "Reference", "Date")
CSV_SEPARATOR = "|"
_REQUIRED = ("zh-CN", "en-US", "Status")


def write_csv_glossary(glossary: Glossary, path: str | Path, *, include_rejected: bool = False) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in sort_glossary(glossary).entries:
        if entry.status is Status.REJECTED and not include_rejected:
            continue
        writer.writerow([
            entry.source,
            CSV_SEPARATOR.join(entry.targets),
            entry.status.value,
            entry.note,
            CSV_SEPARATOR.join(entry.variants),
            entry.reference,
            entry.date,
        ])
    write_text_atomic(path, "\ufeff" + buffer.getvalue())


# CAT-tool column -> native glossary column, so rows are validated by the one native row reader.
_NATIVE_NAMES = {"zh-CN": "source", "en-US": "target", "Variants": "variants", "Status": "status", "Note": "note",
                 "Reference": "reference", "Date": "date"}


def read_csv_glossary(path: str | Path) -> Glossary:
    """Read the layout above; the header is matched by name, case-insensitively, in any order."""
    path_text = str(path)
    text = read_utf8(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise GlossaryError("empty file: a header row is needed (" + ",".join(CSV_COLUMNS) + ")", path=path_text)
        names = [name.strip().lower() for name in header]
        known = {name.lower(): name for name in CSV_COLUMNS}
        for name in names:
            if name and name not in known:
                raise GlossaryError(f"unknown column {name!r}; columns are: {', '.join(CSV_COLUMNS)}",
                                    path=path_text, line=1)
        for name in _REQUIRED:
            if name.lower() not in names:
                raise GlossaryError(f"missing column {name!r}", path=path_text, line=1)
        entries = []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(names):
                raise GlossaryError(f"{len(row)} fields but the header has {len(names)}", path=path_text, line=line)
            cells = {_NATIVE_NAMES[known[name]]: value for name, value in zip(names, row) if name}
            entries.append((row_to_entry(cells, path=path_text, line=line), line))
    except csv.Error as error:
        raise GlossaryError(f"malformed CSV: {error}", path=path_text, line=reader.line_num) from None
    return check_unique(entries, path_text)
