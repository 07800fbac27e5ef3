"""The approved glossary: the native TSV format kept in git, and reading other glossary formats.

Native format (glossaries/*.tsv): UTF-8, tab-separated, a header row naming GLOSSARY_COLUMNS, one row
per (source term, status). Several targets share a cell joined by " | ". Tabs, newlines and
backslashes inside a field are escaped as \\t, \\n and \\\\ so each entry stays on one line and
`git diff` shows one changed line per changed entry. Rows are written sorted by (source, status order,
targets) so that edits never reorder unrelated lines.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .errors import FormatError, GlossaryError
from .model import Glossary, GlossaryEntry, Status
from .registry import Registry

GLOSSARY_COLUMNS = ("source", "variants", "target", "status", "note", "reference", "date")
REQUIRED_COLUMNS = ("source", "target", "status")
LIST_SEPARATOR = " | "

_STATUS_ORDER = {status: index for index, status in enumerate(Status)}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Glossary formats by extension. The non-native ones live beside their writers in termsieve.writers.
GLOSSARY_READERS = Registry("glossary", option=None)
GLOSSARY_READERS.register("tsv", "termsieve.glossary:read_native_tsv", [".tsv"])
GLOSSARY_READERS.register("tbx", "termsieve.writers.tbx:read_tbx_glossary", [".tbx"])
GLOSSARY_READERS.register("tbx2", "termsieve.writers.tbx:read_tbx_glossary")
GLOSSARY_READERS.register("csv", "termsieve.writers.glossary_csv:read_csv_glossary", [".csv"])
GLOSSARY_READERS.register("json", "termsieve.writers.glossary_json:read_json_glossary", [".json"])
GLOSSARY_READERS.register("xlsx", "termsieve.writers.glossary_xlsx:read_xlsx_glossary", [".xlsx"])

GLOSSARY_WRITERS = Registry("glossary export")
GLOSSARY_WRITERS.register("tsv", "termsieve.glossary:write_glossary", [".tsv"])
GLOSSARY_WRITERS.register("tbx", "termsieve.writers.tbx:write_tbx_glossary", [".tbx"])
GLOSSARY_WRITERS.register("tbx2", "termsieve.writers.tbx:write_tbx2_glossary")
GLOSSARY_WRITERS.register("csv", "termsieve.writers.glossary_csv:write_csv_glossary", [".csv"])
GLOSSARY_WRITERS.register("json", "termsieve.writers.glossary_json:write_json_glossary", [".json"])
GLOSSARY_WRITERS.register("xlsx", "termsieve.writers.glossary_xlsx:write_xlsx_glossary", [".xlsx"])


# --- public API ---


def read_glossary(path: str | Path, format: str | None = None) -> Glossary:
    """Read a glossary; the format comes from the extension (.tsv native, .tbx, .csv, .xlsx, .json)."""
    path = Path(path)
    if not path.is_file():
        raise GlossaryError("glossary file not found", path=str(path))
    reader = GLOSSARY_READERS.get(format or GLOSSARY_READERS.name_for_path(path))
    return reader(path)


def write_glossary(glossary: Glossary, path: str | Path) -> None:
    """Write the native TSV atomically (temp file in the same directory, then rename)."""
    write_text_atomic(path, format_native_tsv(glossary))


# Formats meant for CAT tools, where rejected entries (turned-down candidates) are noise by default.
CAT_TOOL_FORMATS = ("tbx", "tbx2", "csv")


def export_glossary(glossary: Glossary, path: str | Path, format: str | None = None, *,
                    include_rejected: bool = False) -> int:
    """Write a glossary in the format its extension names (.tsv, .tbx, .csv, .xlsx, .json), atomically.

    TBX and CSV leave rejected entries out unless `include_rejected`; the others keep everything.
    Returns the number of entries written.
    """
    name = format or GLOSSARY_WRITERS.name_for_path(path)
    writer = GLOSSARY_WRITERS.get(name)
    if name in CAT_TOOL_FORMATS:
        writer(glossary, path, include_rejected=include_rejected)
        if not include_rejected:
            return sum(1 for entry in glossary.entries if entry.status is not Status.REJECTED)
    else:
        writer(glossary, path)
    return len(glossary.entries)


def sort_glossary(glossary: Glossary) -> Glossary:
    """Entries in the canonical order: source, then status order, then targets."""
    return Glossary(tuple(sorted(glossary.entries, key=entry_sort_key)))


def entry_sort_key(entry: GlossaryEntry) -> tuple:
    return (entry.source, _STATUS_ORDER[entry.status], entry.targets)


def parse_status(word: str, *, path: str | None = None, line: int | None = None, where: str = "") -> Status:
    """A status word (case-insensitive) -> Status, or a GlossaryError listing the known words."""
    cleaned = word.strip().lower()
    for status in Status:
        if status.value == cleaned:
            return status
    known = ", ".join(status.value for status in Status)
    raise GlossaryError(f"unknown status {word!r}; expected one of: {known}", path=path, line=line, where=where)


def split_list(cell: str) -> tuple[str, ...]:
    """ "a | b" -> ("a", "b"): stripped, empty items dropped, duplicates dropped, order kept."""
    items: list[str] = []
    for item in cell.split("|"):
        item = item.strip()
        if item and item not in items:
            items.append(item)
    return tuple(items)


def join_list(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(items)


def make_entry(
    source: str,
    targets: Sequence[str],
    status: Status,
    *,
    variants: Sequence[str] = (),
    note: str = "",
    reference: str = "",
    date: str = "",
    path: str | None = None,
    line: int | None = None,
    where: str = "",
) -> GlossaryEntry:
    """Validate and normalise one entry, shared by every glossary reader.

    The key becomes Simplified (a Traditional key is moved into the variants) so that lookups by
    Simplified form, which is what extraction and checking use, find it whatever script it was typed in.
    """
    source = source.strip()
    if not source:
        raise GlossaryError("empty source term", path=path, line=line, where=where)
    if "|" in source:
        raise GlossaryError(f"one source term per row expected, got {source!r}", path=path, line=line, where=where)
    targets = tuple(dict.fromkeys(t.strip() for t in targets if t.strip()))
    for text in (*targets, *variants):
        if "|" in text:
            raise GlossaryError(f"'|' separates list items and cannot be part of {text!r}", path=path, line=line,
                                where=where)
    if not targets and status is not Status.REJECTED:
        raise GlossaryError(f"{status.value} entry {source!r} has no target", path=path, line=line, where=where)
    date = date.strip()
    if date and not _ISO_DATE.fullmatch(date):
        raise GlossaryError(f"date {date!r} is not an ISO date (YYYY-MM-DD)", path=path, line=line, where=where)
    written_forms = [source, *(v.strip() for v in variants)]
    key = _to_simplified(source)
    kept_variants = tuple(dict.fromkeys(form for form in written_forms if form and form != key))
    return GlossaryEntry(
        source=key,
        targets=targets,
        status=status,
        variants=kept_variants,
        note=note.strip(),
        reference=reference.strip(),
        date=date,
    )


def check_unique(entries: Iterable[tuple[GlossaryEntry, int]], path: str | None, unit: str = "line") -> Glossary:
    """Refuse two rows for the same (source, status); return the glossary in canonical order.

    `entries` pairs each entry with the line/row it came from, so the error can name both rows.
    """
    seen: dict[tuple[str, Status], int] = {}
    kept: list[GlossaryEntry] = []
    for entry, position in entries:
        key = (entry.source, entry.status)
        if key in seen:
            raise GlossaryError(
                f"duplicate entry for {entry.source!r} with status {entry.status.value} "
                f"(first at {unit} {seen[key]}); merge the targets into one row",
                path=path,
                line=position if unit == "line" else None,
                where="" if unit == "line" else f"{unit} {position}",
            )
        seen[key] = position
        kept.append(entry)
    return sort_glossary(Glossary(tuple(kept)))


def entry_to_row(entry: GlossaryEntry) -> dict[str, str]:
    """One entry as GLOSSARY_COLUMNS -> text (lists joined by " | ")."""
    return {
        "source": entry.source,
        "variants": join_list(entry.variants),
        "target": join_list(entry.targets),
        "status": entry.status.value,
        "note": entry.note,
        "reference": entry.reference,
        "date": entry.date,
    }


def row_to_entry(row: dict[str, str], *, path: str | None = None, line: int | None = None,
                 where: str = "") -> GlossaryEntry:
    """The inverse of entry_to_row, validating as it goes."""
    status = parse_status(row.get("status", ""), path=path, line=line, where=where)
    return make_entry(
        row.get("source", ""),
        split_list(row.get("target", "")),
        status,
        variants=split_list(row.get("variants", "")),
        note=row.get("note", ""),
        reference=row.get("reference", ""),
        date=row.get("date", ""),
        path=path,
        line=line,
        where=where,
    )


def check_header(header: Sequence[str], *, path: str | None, line: int | None = 1, where: str = "",
                 allowed: Sequence[str] = GLOSSARY_COLUMNS, required: Sequence[str] = REQUIRED_COLUMNS) -> list[str]:
    """Normalised column names; refuse unknown, repeated and missing columns by name."""
    names = [name.strip().lower() for name in header]
    for name in names:
        if name and name not in allowed:
            raise GlossaryError(
                f"unknown column {name!r}; glossary columns are: {', '.join(allowed)}",
                path=path, line=line, where=where,
            )
    for name in set(names):
        if name and names.count(name) > 1:
            raise GlossaryError(f"column {name!r} appears twice", path=path, line=line, where=where)
    for name in required:
        if name not in names:
            raise GlossaryError(f"missing column {name!r}", path=path, line=line, where=where)
    return names


def write_text_atomic(path: str | Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write to a temp file in the target's directory, then rename: readers never see half a file."""
    write_atomic(path, lambda handle: handle.write(data))


def write_atomic(path: str | Path, write: Callable, suffix: str = "") -> None:
    """Call write(binary file handle) on a temp file beside `path`, then os.replace it into place."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise FormatError("output directory does not exist", path=str(directory))
    import tempfile  # only writers need it; keeps `termsieve check` start-up light

    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or ".tmp", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
        # mkstemp creates 0600 files; give the result the permissions a normal write would have.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp_name, 0o666 & ~umask)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


# --- native TSV ---


def escape_field(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


_ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def unescape_field(text: str, *, path: str | None = None, line: int | None = None) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            following = text[index + 1 : index + 2]
            if following not in _ESCAPES:
                raise GlossaryError(
                    f"unknown escape '\\{following}' (use \\t, \\n, \\r or \\\\)", path=path, line=line
                )
            out.append(_ESCAPES[following])
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def format_native_tsv(glossary: Glossary) -> str:
    lines = ["\t".join(GLOSSARY_COLUMNS)]
    for entry in sort_glossary(glossary).entries:
        row = entry_to_row(entry)
        lines.append("\t".join(escape_field(row[column]) for column in GLOSSARY_COLUMNS))
    return "\n".join(lines) + "\n"


def read_utf8(path: str | Path) -> str:
    """A glossary file's text (UTF-8, BOM allowed); undecodable bytes are an error at their line."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise GlossaryError("not UTF-8 text", path=str(path), line=line) from None


def read_native_tsv(path: str | Path) -> Glossary:
    return parse_native_tsv(read_utf8(path), str(path))


def parse_native_tsv(text: str, path: str | None = None) -> Glossary:
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        raise GlossaryError(f"empty glossary: a header row is needed ({chr(9).join(GLOSSARY_COLUMNS)})", path=path)
    columns = check_header(lines[header_index].split("\t"), path=path, line=header_index + 1)
    entries: list[tuple[GlossaryEntry, int]] = []
    for index in range(header_index + 1, len(lines)):
        line = lines[index]
        number = index + 1
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) > len(columns):
            raise GlossaryError(
                f"{len(fields)} fields but the header has {len(columns)} columns (a stray tab?)",
                path=path, line=number,
            )
        # Editors may drop trailing empty fields; a short row means the missing ones are empty.
        fields += [""] * (len(columns) - len(fields))
        row = {name: unescape_field(value, path=path, line=number) for name, value in zip(columns, fields) if name}
        entries.append((row_to_entry(row, path=path, line=number), number))
    return check_unique(entries, path)


def _to_simplified(text: str) -> str:
    # The check path's converter: it leaves OpenCC unloaded when nothing is Traditional.
    from .scripts import to_simplified

    return to_simplified(text)


__all__ = [
    "GLOSSARY_COLUMNS",
    "export_glossary",
    "read_glossary",
    "sort_glossary",
    "write_glossary",
]
