"""Flat term lists: TSV, CSV (one row per term) and JSON (metadata + terms), in extraction order."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..glossary import escape_field, join_list, write_text_atomic
from ..results import Extraction
from . import EXTRACTION_COLUMNS, GlossaryMark, metadata, term_record


def _flat_rows(extraction: Extraction, marks: dict[str, GlossaryMark]) -> list[list[str]]:
    rows = []
    for term in extraction.terms:
        record = term_record(term, marks.get(term.source_simplified))
        rows.append([
            join_list([_text(item) for item in value]) if isinstance(value, list) else _text(value)
            for value in (record[column] for column in EXTRACTION_COLUMNS)
        ])
    return rows


def _text(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def write_tsv(extraction: Extraction, path: str | Path, *, marks: dict[str, GlossaryMark] | None = None) -> None:
    """UTF-8 TSV with a header; tabs and newlines inside fields escaped as in the glossary format."""
    lines = ["\t".join(EXTRACTION_COLUMNS)]
    lines += ["\t".join(escape_field(field) for field in row) for row in _flat_rows(extraction, marks or {})]
    write_text_atomic(path, "\n".join(lines) + "\n")


def write_csv(extraction: Extraction, path: str | Path, *, marks: dict[str, GlossaryMark] | None = None) -> None:
    """RFC 4180 CSV, UTF-8 with a byte order mark so that Excel shows the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXTRACTION_COLUMNS)
    writer.writerows(_flat_rows(extraction, marks or {}))
    write_text_atomic(path, "\ufeff" + buffer.getvalue())


def write_json(extraction: Extraction, path: str | Path, *, marks: dict[str, GlossaryMark] | None = None) -> None:
    marks = marks or {}
    document = {
        "metadata": metadata(extraction),
        "terms": [term_record(term, marks.get(term.source_simplified)) for term in extraction.terms],
    }
    write_text_atomic(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
