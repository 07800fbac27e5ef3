"""Readers of bilingual files, chosen by format name or file extension in one registry.

Public API: `read_corpus(paths, format=None, options=None) -> Corpus`, `detect_format(path)`.

Every registered reader is a function `(paths: list[Path], options: ReadOptions) -> list[SegmentPair]`.
PARAGRAPH pairs keep the line breaks of wrapped text (`sentences.align_corpus` uses them to locate
each sentence, then unwraps it); SEGMENT pairs are single lines of text.
Most take one path per call; formats listed in `PATHS_PER_CALL` take more (the parallel text reader
takes its Chinese and English files together).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import FormatError, InputError
from ..model import Corpus, InputFile, Location, SegmentPair
from ..registry import Registry


@dataclass(frozen=True)
class ReadOptions:
    source_column: str | None = None  # header of the Chinese column in TSV/CSV/XLSX
    target_column: str | None = None  # header of the English column
    # Codec of plain text, TSV and CSV files without a byte-order mark (default UTF-8). XML (TMX,
    # XLIFF) and XLSX declare their own; resource files (JSON, YAML, PO, Markdown) are UTF-8.
    encoding: str | None = None


READERS = Registry("input", option="--format (extract) or --input-format (check)")

# How many paths one call of a reader takes; 1 unless listed. A paired format (a Chinese and an
# English file read together) adds itself here next to its registration.
PATHS_PER_CALL: dict[str, int] = {"parallel": 2}

# --- bilingual text, tables and TMX (readers engineer) ---
READERS.register("text", "termsieve.readers.text:read_interleaved", [".txt", ".text"])
READERS.register("parallel", "termsieve.readers.text:read_parallel")
READERS.register("tsv", "termsieve.readers.tables:read_tsv", [".tsv", ".tab"])
READERS.register("csv", "termsieve.readers.tables:read_csv", [".csv"])
READERS.register("xlsx", "termsieve.readers.tables:read_xlsx", [".xlsx"])
READERS.register("tmx", "termsieve.readers.tmx:read_tmx", [".tmx"])

# --- resource formats: json/yaml/po/xliff/markdown (check engineer appends here) ---
READERS.register("json", "termsieve.readers.resources:read_json_pair", [".json"])
READERS.register("yaml", "termsieve.readers.resources:read_yaml_pair", [".yaml", ".yml"])
READERS.register("po", "termsieve.readers.po:read_po", [".po"])
READERS.register("po-pair", "termsieve.readers.po:read_po_pair")
READERS.register("xliff", "termsieve.readers.xliff:read_xliff", [".xlf", ".xliff"])
READERS.register("markdown", "termsieve.readers.markdown:read_markdown_pair", [".md", ".markdown"])
PATHS_PER_CALL.update({"json": 2, "yaml": 2, "po-pair": 2, "markdown": 2})

# --- end of registrations ---

_SNIFF_BYTES = 4096


def read_text_file(path: str | Path, encoding: str | None = None) -> str:
    """The decoded text of a plain text file (UTF-8, or UTF-16 with a BOM, or `encoding`), with errors
    at file:line."""
    from ._common import read_text

    return read_text(Path(path), encoding)


def detect_format(path: str | Path) -> str:
    """Format of one file: by extension, else by sniffing its content (a `<tmx` element)."""
    path = Path(path)
    try:
        return READERS.name_for_path(path)
    except FormatError:
        head = _head(path)
        if b"<tmx" in head or "<tmx".encode("utf-16-le") in head or "<tmx".encode("utf-16-be") in head:
            return "tmx"
        raise


def read_corpus(paths: Sequence[str | Path], format: str | None = None,
                options: ReadOptions | None = None, *, checksums: bool = True) -> Corpus:
    """Read bilingual files into aligned pairs, in the order given.

    Without `format`, each file's format comes from `detect_format`; `.txt` files that are each in
    one language, given one after the other (one Chinese, one English), are read together as
    parallel text. `checksums=False` leaves InputFile.sha256 empty (for callers that never report it).
    """
    options = options or ReadOptions()
    if options.encoding is not None:
        from ._common import check_encoding

        try:
            check_encoding(options.encoding)
        except ValueError as error:
            raise InputError(str(error)) from None
    paths = [Path(path) for path in paths]
    if not paths:
        raise InputError("no input files")
    if format is not None:
        formats = [format] * len(paths)
        READERS.get(format)  # unknown name -> FormatError listing the known ones
    else:
        formats = [detect_format(path) for path in paths]
        paths, formats = _parallel_text_pairs(paths, formats, options.encoding)

    pairs: list[SegmentPair] = []
    inputs: list[InputFile] = []
    one_sided: list[Location] = []
    index = 0
    while index < len(paths):
        name = formats[index]
        count = PATHS_PER_CALL.get(name, 1)
        group = paths[index: index + count]
        if len(group) < count or any(formats[index + offset] != name for offset in range(count)):
            raise InputError(f"format {name!r} reads {count} files together; got {len(group)}",
                             path=str(paths[index]))
        reader = READERS.get(name)
        read = reader(group, options)
        pairs.extend(read)
        one_sided.extend(getattr(read, "one_sided", ()))
        inputs.extend(InputFile(path=str(path), sha256=_sha256(path) if checksums else "", format=name)
                      for path in group)
        index += count
    if not pairs:
        raise InputError("no bilingual pairs found", path=", ".join(str(path) for path in paths))
    return Corpus(pairs=tuple(pairs), inputs=tuple(inputs), one_sided=tuple(one_sided))


def _parallel_text_pairs(paths: list[Path], formats: list[str], encoding: str | None = None
                         ) -> tuple[list[Path], list[str]]:
    """Plain-text files in one language each, next to one in the other language, make parallel pairs.

    Each pair's second file moves right after its first so that they make one call of the reader;
    text files that pair with nothing stay interleaved text (errors, if any, come from that reader).
    """
    text_indexes = [index for index, name in enumerate(formats) if name == "text"]
    if len(text_indexes) < 2:
        return paths, formats
    from .text import monolingual_language

    languages = {index: monolingual_language(paths[index], encoding) for index in text_indexes}
    partner: dict[int, int] = {}
    position = 0
    while position < len(text_indexes) - 1:
        first, second = text_indexes[position], text_indexes[position + 1]
        if languages[first] and languages[second] and languages[first] != languages[second]:
            partner[first] = second
            position += 2
        else:
            position += 1
    ordered_paths: list[Path] = []
    ordered_formats: list[str] = []
    for index, path in enumerate(paths):
        if index in partner.values():
            continue
        if index in partner:
            ordered_paths += [path, paths[partner[index]]]
            ordered_formats += ["parallel", "parallel"]
        else:
            ordered_paths.append(path)
            ordered_formats.append(formats[index])
    return ordered_paths, ordered_formats


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(_SNIFF_BYTES)
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", path=str(path)) from None


def _sha256(path: Path) -> str:
    import hashlib  # lazily: `termsieve check` reads files but never hashes them

    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
