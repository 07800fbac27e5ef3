"""Plain-text readers: interleaved bilingual text, and a pair of files with one language each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import Granularity, Location, SegmentPair
from ._common import Language, cjk_count, language_of, read_text, split_lines


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    text: str


@dataclass(frozen=True)
class _Block:
    """Consecutive non-blank lines of one language (lines without letters join the block they sit in)."""

    language: Language
    lines: tuple[_Line, ...]

    @property
    def first_line(self) -> int:
        return self.lines[0].number


def read_interleaved(paths: list[Path], options: object = None) -> list[SegmentPair]:
    """Text where Chinese blocks are each followed by their English block.

    A block of N Chinese lines followed by N English lines pairs line by line (titles, headings);
    blocks of unequal length pair as two joined paragraphs. Every pair still needs sentence alignment.
    """
    pairs: list[SegmentPair] = []
    for path in paths:
        pairs.extend(_read_interleaved_file(path, getattr(options, "encoding", None)))
    return pairs


def _read_interleaved_file(path: Path, encoding: str | None) -> list[SegmentPair]:
    blocks = _blocks(split_lines(read_text(path, encoding)))
    if not blocks:
        raise InputError("no Chinese or English text", path=str(path), line=1)
    pairs: list[SegmentPair] = []
    index = 0
    while index < len(blocks):
        source = blocks[index]
        if source.language is not Language.ZH:
            raise InputError(
                "English block with no Chinese block before it (interleaved text puts each Chinese "
                "block before its English translation)",
                path=str(path), line=source.first_line,
            )
        if index + 1 >= len(blocks):
            raise InputError("Chinese block with no English block after it", path=str(path),
                             line=source.first_line)
        target = blocks[index + 1]
        pairs.extend(_pair_blocks(source, target, str(path)))
        index += 2
    return pairs


def _blocks(lines: list[str]) -> list[_Block]:
    blocks: list[tuple[Language | None, list[_Line]]] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue  # blank lines neither start nor end a block
        language = language_of(text)
        if blocks and (language is None or blocks[-1][0] in (None, language)):
            # Lines with no letters (page numbers, "2025") stay with the block around them.
            if blocks[-1][0] is None:
                blocks[-1] = (language, blocks[-1][1])
            blocks[-1][1].append(_Line(number, text))
        else:
            blocks.append((language, [_Line(number, text)]))
    return [_Block(language or Language.ZH, tuple(block_lines)) for language, block_lines in blocks]


def _pair_blocks(source: _Block, target: _Block, path: str) -> list[SegmentPair]:
    if len(source.lines) == len(target.lines):
        return [
            SegmentPair(
                source=zh.text, target=en.text,
                source_location=Location(path, zh.number), target_location=Location(path, en.number),
                granularity=Granularity.PARAGRAPH,
            )
            for zh, en in zip(source.lines, target.lines)
        ]
    return [
        SegmentPair(
            # Line breaks are kept: sentence alignment uses them for locations, then unwraps.
            source="\n".join(line.text for line in source.lines),
            target="\n".join(line.text for line in target.lines),
            source_location=Location(path, source.first_line),
            target_location=Location(path, target.first_line),
            granularity=Granularity.PARAGRAPH,
        )
    ]


# --- two files, one language each ---


@dataclass(frozen=True)
class _Unit:
    """A line, or a paragraph of lines between blank lines, of a one-language file."""

    line: int
    text: str


def read_parallel(paths: list[Path], options: object = None) -> list[SegmentPair]:
    """Two files, one Chinese and one English (either order), paired by line or by paragraph."""
    if len(paths) != 2:
        raise InputError(f"parallel text needs exactly two files (one Chinese, one English), got {len(paths)}")
    first, second = paths
    texts = {path: read_text(path, getattr(options, "encoding", None)) for path in paths}
    languages = {path: _file_language(texts[path]) for path in paths}
    if languages[first] == languages[second]:
        name = "Chinese" if languages[first] is Language.ZH else "English"
        raise InputError(f"both files look {name}; give one Chinese and one English file",
                         path=f"{first} and {second}")
    zh_path, en_path = (first, second) if languages[first] is Language.ZH else (second, first)
    zh_lines, en_lines = split_lines(texts[zh_path]), split_lines(texts[en_path])

    zh_units, en_units = _line_units(zh_lines), _line_units(en_lines)
    if len(zh_units) != len(en_units):
        zh_paragraphs, en_paragraphs = _paragraph_units(zh_lines), _paragraph_units(en_lines)
        # Paragraphs only where blank lines separate them: one file-long "paragraph" per side would
        # hide a missing line instead of reporting it.
        if len(zh_paragraphs) == len(en_paragraphs) > 1:
            zh_units, en_units = zh_paragraphs, en_paragraphs
        else:
            raise _mismatch(zh_path, zh_units, en_path, en_units)
    return [
        SegmentPair(
            source=zh.text, target=en.text,
            source_location=Location(str(zh_path), zh.line), target_location=Location(str(en_path), en.line),
            granularity=Granularity.PARAGRAPH,
        )
        for zh, en in zip(zh_units, en_units)
    ]


def monolingual_language(path: Path, encoding: str | None = None) -> Language | None:
    """The language of a file whose lines are (nearly) all in one language; None for interleaved text."""
    counts = {Language.ZH: 0, Language.EN: 0}
    for line in split_lines(read_text(path, encoding)):
        language = language_of(line)
        if language is not None:
            counts[language] += 1
    total = sum(counts.values())
    if not total:
        return None
    language = max(counts, key=counts.__getitem__)
    # A stray heading in the other language does not make a translation file interleaved.
    return language if counts[language] >= 0.9 * total else None


def _file_language(text: str) -> Language:
    letters = sum(1 for char in text if char.isascii() and char.isalpha())
    # A Chinese character carries about as much as 3-4 English letters.
    return Language.ZH if cjk_count(text) * 3 >= letters else Language.EN


def _line_units(lines: list[str]) -> list[_Unit]:
    return [_Unit(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip()]


def _paragraph_units(lines: list[str]) -> list[_Unit]:
    units: list[_Unit] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            units.append(_Unit(start, "\n".join(current)))  # breaks kept, as in interleaved text
            current = []
    return units


def _mismatch(zh_path: Path, zh_units: list[_Unit], en_path: Path, en_units: list[_Unit]) -> InputError:
    from ..sentences import first_divergence

    index = first_divergence([unit.text for unit in zh_units], [unit.text for unit in en_units])
    zh_line = zh_units[min(index, len(zh_units) - 1)].line
    en_line = en_units[min(index, len(en_units) - 1)].line
    return InputError(
        f"{len(zh_units)} Chinese lines but {len(en_units)} English lines (and paragraph counts differ too); "
        f"they first diverge near {zh_path}:{zh_line} and {en_path}:{en_line}",
        path=str(zh_path), line=zh_line,
    )
