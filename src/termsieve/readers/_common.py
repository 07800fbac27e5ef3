"""Helpers shared by the readers: decoding files with precise errors, and telling Chinese from English."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from ..cjk import cjk_pattern
from ..errors import InputError

if TYPE_CHECKING:  # model's dataclasses stay off `termsieve check`'s start-up path
    from collections.abc import Iterable

    from ..model import Location, SegmentPair

# A Latin word counts as one unit against one CJK character: a Chinese line quoting "5G" or "AI"
# is still Chinese, an English line naming 北京 is still English.
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)?")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Language(str, Enum):
    ZH = "zh"
    EN = "en"


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", path=str(path)) from None


UTF8_OR_ENCODING = "save the file as UTF-8, or name its encoding with --encoding (gb18030, big5...)"
UTF8_ONLY = "save the file as UTF-8"  # the advice for files --encoding does not apply to


def decode(data: bytes, path: Path, encoding: str | None = None, advice: str = UTF8_OR_ENCODING) -> str:
    """Text of a file: UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is an error at its line.

    `encoding` (a Python codec name such as gb18030 or big5) replaces UTF-8 for files without a
    byte-order mark: a BOM says what the file is, whatever the caller assumed.
    """
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data
    elif encoding is not None:
        body = data
    else:
        encoding, body = "utf-8", data
        if b"\x00" in body:
            line = body[: body.index(b"\x00")].count(b"\n") + 1
            raise InputError("NUL byte: UTF-16 without a byte-order mark? Save the file as UTF-8",
                             path=str(path), line=line)
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        name = encoding.upper() if encoding.lower().startswith("utf") else encoding
        if "\n".encode(encoding) != b"\n":  # lines cannot be counted in bytes (UTF-16, UTF-32)
            raise InputError(f"not valid {name} at byte {error.start}", path=str(path)) from None
        before = body[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        if encoding != "utf-8":
            advice = "is --encoding right?"
        raise InputError(
            f"not {name}: byte 0x{body[error.start]:02x} at column {column}; {advice}",
            path=str(path), line=line,
        ) from None
    return text.lstrip("\ufeff")


def check_encoding(name: str) -> str:
    """The codec's canonical name (gbk, big5...); a ValueError for a name Python does not know or
    a codec that does not decode bytes to text (base64, rot13)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise ValueError(f"{name!r} is not a text encoding")
    return info.name


class ReaderPairs(list):
    """A reader's pairs, and where it passed over a row or unit with text in one language only.

    An untranslated row gives no pair; `read_corpus` gathers these places so that the command line
    can say how many there were instead of dropping them without a word.
    """

    def __init__(self, pairs: Iterable[SegmentPair] = (), one_sided: Iterable[Location] = ()):
        super().__init__(pairs)
        self.one_sided: list[Location] = list(one_sided)


def read_each(paths: list[Path], read_file: Callable[[Path], list[SegmentPair]]) -> ReaderPairs:
    """The pairs of every file, file by file, with the places each passed over."""
    gathered = ReaderPairs()
    for path in paths:
        pairs = read_file(path)
        gathered.extend(pairs)
        gathered.one_sided.extend(getattr(pairs, "one_sided", ()))
    return gathered


def read_text(path: Path, encoding: str | None = None, advice: str = UTF8_OR_ENCODING) -> str:
    """Decoded text of a file (see `decode`); an empty (or blank) file is an error."""
    text = decode(read_bytes(path), path, encoding, advice)
    if not text.strip():
        raise InputError("empty file", path=str(path), line=1)
    return text


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them (only CR/LF break lines, unlike str.splitlines)."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def cjk_count(text: str) -> int:
    return len(cjk_pattern(supplementary=True).findall(text))


def cjk_share(text: str) -> float | None:
    """CJK characters / (CJK characters + Latin words); None when the text has neither."""
    cjk = cjk_count(text)
    words = len(_LATIN_WORD.findall(text))
    if cjk + words == 0:
        return None
    return cjk / (cjk + words)


def language_of(text: str) -> Language | None:
    """Chinese or English by the share of CJK characters; None for lines of digits or punctuation only."""
    share = cjk_share(text)
    if share is None:
        return None
    return Language.ZH if share >= 0.5 else Language.EN


def join_lines(lines: list[str], language: Language) -> str:
    """One paragraph from wrapped lines: Chinese lines join directly, English ones with a space."""
    separator = " " if language is Language.EN else ""
    return separator.join(line.strip() for line in lines)


def normalize_header(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.strip().lower())
