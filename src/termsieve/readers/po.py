"""gettext PO files (polib): one bilingual file, or a Chinese and an English file keyed by msgid.

Which layout a file has is decided by content:
- msgids mostly Chinese: a bilingual file, msgid is the source and msgstr (msgstr[0]) the target;
- otherwise (msgids are English text or message keys) it takes its partner: the Chinese file's
  msgstr is the source, the English file's msgstr (or its msgid, when that is empty) the target,
  paired by (msgctxt, msgid).
Obsolete entries and the header are skipped. Locations point at the `msgstr` line of the entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import Location, SegmentPair
from ._common import UTF8_ONLY, cjk_count, decode, read_bytes, split_lines


@dataclass(frozen=True)
class _Message:
    context: str
    msgid: str
    msgstr: str
    msgid_line: int
    msgstr_line: int


def read_po(paths: list[Path], options: object = None) -> list[SegmentPair]:
    """Bilingual PO files (Chinese msgid, English msgstr), each on its own."""
    pairs: list[SegmentPair] = []
    for path in paths:
        messages = _messages(path)
        if not is_chinese_source(messages):
            raise InputError(
                "msgids are not Chinese; give this file together with its Chinese (or English) "
                "partner, e.g. with a [[tool.termsieve.pairs]] rule", path=str(path))
        pairs.extend(
            SegmentPair(source=message.msgid, target=message.msgstr,
                        source_location=Location(str(path), message.msgid_line, 1),
                        target_location=Location(str(path), message.msgstr_line, 1),
                        key=_key(message))
            for message in messages
        )
    return pairs


def read_po_pair(paths: list[Path], options: object = None) -> list[SegmentPair]:
    """Two PO files: both bilingual (read each), or a Chinese and an English one keyed by msgid."""
    if len(paths) != 2:
        raise InputError(f"a PO pair needs two files; got {len(paths)}")
    messages = {path: _messages(path) for path in paths}
    if all(is_chinese_source(messages[path]) for path in paths):
        return read_po(paths)
    first, second = paths

    def share(path: Path) -> float:
        text = "".join(message.msgstr for message in messages[path])
        return cjk_count(text) / max(len(text), 1)

    zh_path, en_path = (second, first) if share(second) > share(first) else (first, second)
    english = {(message.context, message.msgid): message for message in messages[en_path]}
    pairs = []
    for zh in messages[zh_path]:
        en = english.get((zh.context, zh.msgid))
        source = zh.msgstr or zh.msgid
        if en is None:
            target, target_location = "", Location(str(zh_path), zh.msgstr_line, 1)
        else:
            target = en.msgstr or (en.msgid if not cjk_count(en.msgid) else "")
            target_location = Location(str(en_path), en.msgstr_line if en.msgstr else en.msgid_line, 1)
        pairs.append(SegmentPair(source=source, target=target,
                                 source_location=Location(str(zh_path), zh.msgstr_line, 1),
                                 target_location=target_location, key=_key(zh)))
    return pairs


def is_chinese_source(messages: list[_Message]) -> bool:
    text = "".join(message.msgid for message in messages)
    letters = sum(1 for char in text if char.isascii() and char.isalpha())
    return cjk_count(text) * 3 >= letters and cjk_count(text) > 0


def _key(message: _Message) -> str:
    return f"[{message.context}] {message.msgid}" if message.context else message.msgid


def _messages(path: Path) -> list[_Message]:
    import polib

    text = decode(read_bytes(path), path, advice=UTF8_ONLY)
    try:
        # polib takes a string without a newline for a file name.
        catalog = polib.pofile(text if "\n" in text else text + "\n", wrapwidth=0)
    except (OSError, ValueError) as error:
        raise InputError(f"not a valid PO file: {error}", path=str(path)) from None
    lines = split_lines(text)
    messages = []
    for entry in catalog:
        if entry.obsolete or not entry.msgid:
            continue
        msgstr = entry.msgstr or (entry.msgstr_plural.get(0, "") if entry.msgstr_plural else "")
        msgid_line = _line_starting(lines, entry.linenum, "msgid ")
        messages.append(_Message(
            context=entry.msgctxt or "", msgid=entry.msgid, msgstr=msgstr,
            msgid_line=msgid_line, msgstr_line=_line_starting(lines, msgid_line, "msgstr"),
        ))
    return messages


def _line_starting(lines: list[str], first: int, prefix: str) -> int:
    """1-based number of the first line at or after `first` that starts with `prefix`."""
    for number in range(max(first, 1), len(lines) + 1):
        if lines[number - 1].lstrip().startswith(prefix):
            return number
    return first
