"""Two-column tables: TSV, CSV and XLSX, one aligned segment per row.

Columns are chosen by `ReadOptions.source_column` / `target_column` (a header name, or a 1-based
column number), else by well-known header names (zh, zh-CN, source, Chinese, 中文 / en, en-US,
target, English), else by content: the column with the most Chinese is the source, the one with
the most English the target (and a first row without Chinese is then taken as a header).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import Granularity, Location, SegmentPair
from ._common import (
    Language,
    ReaderPairs,
    cjk_share,
    decode,
    language_of,
    normalize_header,
    read_bytes,
    read_each,
)

_SOURCE_HEADERS = frozenset(
    normalize_header(name)
    for name in (
        "zh", "zh-CN", "zh-Hans", "zh-Hant", "zh-TW", "zh-HK", "zh-SG", "zh_CN", "cn", "zho", "chi", "cmn",
        "source", "src", "source text", "source segment", "source language", "Chinese", "Chinese text",
        "中文", "汉语", "漢語", "原文", "源文", "中文原文", "简体中文", "繁體中文", "繁体中文",
    )
)
_TARGET_HEADERS = frozenset(
    normalize_header(name)
    for name in (
        "en", "en-US", "en-GB", "en-AU", "en-CA", "eng", "target", "tgt", "target text", "target segment",
        "target language", "translation", "English", "English text", "英文", "英语", "英語", "译文", "譯文",
    )
)
_SNIFF_DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class _Row:
    cells: tuple[str, ...]
    line: int  # 1-based line (CSV/TSV) or row number (XLSX) where the row starts


@dataclass(frozen=True)
class _Columns:
    source: int  # 0-based
    target: int
    header_rows: int  # rows to skip before the data (0 or 1)


def read_tsv(paths: list[Path], options) -> list[SegmentPair]:
    return read_each(paths, lambda path: _read_delimited(path, options, delimiter="\t"))


def read_csv(paths: list[Path], options) -> list[SegmentPair]:
    return read_each(paths, lambda path: _read_delimited(path, options, delimiter=None))


def read_xlsx(paths: list[Path], options) -> list[SegmentPair]:
    return read_each(paths, lambda path: _read_xlsx_file(path, options))


# --- delimited text ---


def _read_delimited(path: Path, options, delimiter: str | None) -> list[SegmentPair]:
    text = decode(read_bytes(path), path, getattr(options, "encoding", None))
    if not text.strip():
        raise InputError("empty file", path=str(path), line=1)
    if delimiter is None:
        delimiter = _sniff_delimiter(text)
    rows = _parse_rows(text, delimiter, path)
    columns = _choose_columns(rows, options, path, where=lambda row: None)
    pairs = ReaderPairs()
    for row in rows[columns.header_rows:]:
        source, target = _cell(row, columns.source), _cell(row, columns.target)
        if not source or not target:
            if source or target:  # an untranslated row: no pair, but the user hears of it
                pairs.one_sided.append(Location(str(path), row.line))
            continue
        pairs.append(
            SegmentPair(
                source=source, target=target,
                source_location=Location(str(path), row.line), target_location=Location(str(path), row.line),
                granularity=Granularity.SEGMENT,
            )
        )
    if not pairs:
        raise InputError("no rows with both a Chinese and an English cell", path=str(path))
    return pairs


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_SNIFF_DELIMITERS).delimiter
    except csv.Error:
        # One-column or irregular samples: the delimiter most frequent in the first line wins.
        first = sample.split("\n", 1)[0]
        counts = {delimiter: first.count(delimiter) for delimiter in _SNIFF_DELIMITERS}
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] else ","


def _parse_rows(text: str, delimiter: str, path: Path) -> list[_Row]:
    try:
        return _parse_rows_with(text, delimiter, path, csv.QUOTE_MINIMAL)
    except InputError:
        if delimiter != "\t":
            raise
        # Many TSV files never quote, and carry a stray '"' in a cell: read them as written.
        return _parse_rows_with(text, delimiter, path, csv.QUOTE_NONE)


def _parse_rows_with(text: str, delimiter: str, path: Path, quoting: int) -> list[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True, quoting=quoting)
    rows = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(_Row(tuple(cell.strip() for cell in cells), start))
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(f"malformed row: {error}", path=str(path), line=start) from None
    if not rows:
        raise InputError("empty file", path=str(path), line=1)
    return rows


# --- XLSX ---


def _read_xlsx_file(path: Path, options) -> list[SegmentPair]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.exists():
        raise InputError("no such file", path=str(path))
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InputError(f"not a readable XLSX workbook ({error})", path=str(path)) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
            cells = tuple(_cell_text(value) for value in values)
            if any(cells):
                rows.append(_Row(cells, number))
        title = sheet.title
    finally:
        workbook.close()
    if not rows:
        raise InputError("the first sheet is empty", path=str(path), where=f"sheet {title}")
    columns = _choose_columns(rows, options, path, where=lambda row: f"sheet {title}, row {row}")
    pairs = ReaderPairs()
    source_letter, target_letter = get_column_letter(columns.source + 1), get_column_letter(columns.target + 1)
    for row in rows[columns.header_rows:]:
        source, target = _cell(row, columns.source), _cell(row, columns.target)
        if not source or not target:
            if source or target:
                empty = target_letter if source else source_letter
                pairs.one_sided.append(Location(str(path), row.line, cell=f"{title}!{empty}{row.line}"))
            continue
        pairs.append(
            SegmentPair(
                source=source, target=target,
                source_location=Location(str(path), row.line, cell=f"{title}!{source_letter}{row.line}"),
                target_location=Location(str(path), row.line, cell=f"{title}!{target_letter}{row.line}"),
                granularity=Granularity.SEGMENT,
            )
        )
    if not pairs:
        raise InputError("no rows with both a Chinese and an English cell", path=str(path),
                         where=f"sheet {title}")
    return pairs


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 2025, not 2025.0
    return str(value).strip()


# --- choosing the columns ---


def _cell(row: _Row, index: int) -> str:
    return row.cells[index] if index < len(row.cells) else ""


def _choose_columns(rows: Sequence[_Row], options, path: Path, where) -> _Columns:
    header = rows[0]
    names = [normalize_header(cell) for cell in header.cells]
    source_option = getattr(options, "source_column", None)
    target_option = getattr(options, "target_column", None)

    def error(message: str) -> InputError:
        return InputError(message, path=str(path), line=header.line, where=where(header.line) or "")

    source = _named_column(source_option, names, header.cells, error) if source_option else None
    target = _named_column(target_option, names, header.cells, error) if target_option else None
    from_header = source_option is not None and not source_option.strip().isdigit()
    from_header |= target_option is not None and not target_option.strip().isdigit()
    if source is None:
        source = _first_index(names, _SOURCE_HEADERS, exclude=target)
        from_header |= source is not None
    if target is None:
        target = _first_index(names, _TARGET_HEADERS, exclude=source)
        from_header |= target is not None
    if source is None or target is None:
        source, target = _columns_by_content(rows, source, target, error)
    if source == target:
        raise error("the Chinese and English columns are the same column")
    header_rows = 1 if from_header or _looks_like_header(header, source) else 0
    if len(rows) <= header_rows:
        raise error("no rows after the header")
    return _Columns(source, target, header_rows)


def _named_column(wanted: str, names: list[str], header_cells: Sequence[str], error) -> int:
    if wanted.strip().isdigit():
        index = int(wanted) - 1
        if 0 <= index < len(names):
            return index
        raise error(f"there is no column {wanted}; the first row has {len(names)} columns")
    key = normalize_header(wanted)
    if key in names:
        return names.index(key)
    shown = ", ".join(repr(cell) for cell in header_cells if cell) or "none"
    raise error(f"no column named {wanted!r}; the first row's headers are: {shown}")


def _first_index(names: list[str], known: frozenset[str], exclude: int | None) -> int | None:
    for index, name in enumerate(names):
        if name in known and index != exclude:
            return index
    return None


def _columns_by_content(rows: Sequence[_Row], source: int | None, target: int | None, error) -> tuple[int, int]:
    width = max(len(row.cells) for row in rows)
    sample = rows[:200]
    zh_share, en_share = [], []
    for index in range(width):
        languages = [language_of(_cell(row, index)) for row in sample if _cell(row, index)]
        zh_share.append(sum(1 for language in languages if language is Language.ZH) / max(len(sample), 1))
        en_share.append(sum(1 for language in languages if language is Language.EN) / max(len(sample), 1))
    if source is None:
        source = _best(zh_share, exclude=target)
    if target is None:
        target = _best(en_share, exclude=source)
    if source is None or target is None:
        raise error(
            "cannot tell which column is Chinese and which English: name them in a header row "
            "(zh/en, source/target, Chinese/English) or with --source-column/--target-column"
        )
    return source, target


def _best(shares: list[float], exclude: int | None) -> int | None:
    candidates = [(share, -index) for index, share in enumerate(shares) if index != exclude and share >= 0.3]
    return -max(candidates)[1] if candidates else None


def _looks_like_header(row: _Row, source: int) -> bool:
    """An unrecognized first row is a header when its 'Chinese' cell has no Chinese in it."""
    share = cjk_share(_cell(row, source))
    return share is None or share < 0.5
