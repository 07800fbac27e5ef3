"""Key-aligned i18n resources: a Chinese and an English JSON (or YAML) file, paired by key.

Nested keys are flattened with dots (`menu.file.open`; list items by index, `items.0`). Only string
values are compared. A YAML file whose only top-level key is a locale code (`zh-CN:`, `en:`, the Rails
layout) has that level dropped so that the two files' keys agree. Which file is Chinese is decided by
content (the share of CJK characters in the values), falling back to the order given.

Locations point at the key in each file (1-based line and column), found by a position-tracking
scan of the JSON text and by YAML's node marks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from json.decoder import scanstring
from pathlib import Path

from ..errors import InputError
from ..model import Location, SegmentPair
from ._common import UTF8_ONLY, cjk_count, decode, read_bytes

_LOCALE_KEY = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_NUMBER_OR_LITERAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
_WHITESPACE = " \t\n\r"


@dataclass(frozen=True)
class Entry:
    """One string value of a resource file, with the position of its key (or of the value in a list)."""

    key: str
    value: str
    line: int
    column: int


# --- readers registered in readers/__init__.py ---


def read_json_pair(paths: list[Path], options: object = None) -> list[SegmentPair]:
    """A Chinese and an English JSON resource file, paired by flattened key."""
    return _pair(paths, read_json_entries)


def read_yaml_pair(paths: list[Path], options: object = None) -> list[SegmentPair]:
    """A Chinese and an English YAML resource file, paired by flattened key."""
    return _pair(paths, read_yaml_entries)


def _pair(paths: list[Path], read_entries) -> list[SegmentPair]:
    if len(paths) != 2:
        raise InputError(f"a resource pair needs its Chinese and its English file; got {len(paths)} file(s)",
                         path=str(paths[0]) if paths else None)
    entries = {path: read_entries(path) for path in paths}
    zh_path, en_path = _chinese_first(paths[0], paths[1], entries)
    english = {entry.key: entry for entry in entries[en_path]}
    pairs = []
    for zh in entries[zh_path]:
        en = english.get(zh.key)
        target_location = (Location(str(en_path), en.line, en.column) if en
                           else Location(str(zh_path), zh.line, zh.column))
        pairs.append(SegmentPair(
            source=zh.value, target=en.value if en else "",
            source_location=Location(str(zh_path), zh.line, zh.column), target_location=target_location,
            key=zh.key,
        ))
    return pairs


def _chinese_first(first: Path, second: Path, entries: dict[Path, list[Entry]]) -> tuple[Path, Path]:
    def share(path: Path) -> float:
        text = "".join(entry.value for entry in entries[path])
        return cjk_count(text) / max(len(text), 1)

    return (second, first) if share(second) > share(first) else (first, second)


# --- JSON ---


def read_json_entries(path: Path) -> list[Entry]:
    text = decode(read_bytes(path), path, advice=UTF8_ONLY)
    try:
        json.loads(text)  # exact errors (line, column) come from the standard decoder
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg} (column {error.colno})", path=str(path),
                         line=error.lineno) from None
    entries: list[Entry] = []
    _JsonScanner(text, entries).value(_skip(text, 0), "", None)
    return entries


class _JsonScanner:
    """Walks already-validated JSON text, recording each string's flattened key and key position."""

    def __init__(self, text: str, entries: list[Entry]):
        self.text = text
        self.entries = entries
        self.line_starts = [0] + [match.end() for match in re.finditer(r"\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        from bisect import bisect_right

        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def value(self, index: int, key: str, key_offset: int | None) -> int:
        text = self.text
        char = text[index]
        if char == "{":
            index = _skip(text, index + 1)
            if text[index] == "}":
                return index + 1
            while True:
                member_offset = index
                name, index = scanstring(text, index + 1)
                index = _skip(text, index)
                index = _skip(text, index + 1)  # the colon
                index = self.value(index, f"{key}.{name}" if key else name, member_offset)
                index = _skip(text, index)
                if text[index] == "}":
                    return index + 1
                index = _skip(text, index + 1)  # the comma
        if char == "[":
            index = _skip(text, index + 1)
            if text[index] == "]":
                return index + 1
            number = 0
            while True:
                index = self.value(index, f"{key}.{number}" if key else str(number), index)
                number += 1
                index = _skip(text, index)
                if text[index] == "]":
                    return index + 1
                index = _skip(text, index + 1)
        if char == '"':
            string, end = scanstring(text, index + 1)
            line, column = self.position(key_offset if key_offset is not None else index)
            self.entries.append(Entry(key, string, line, column))
            return end
        found = _NUMBER_OR_LITERAL.match(text, index)
        assert found is not None  # the text was validated by json.loads
        return found.end()


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


# --- YAML ---


def read_yaml_entries(path: Path) -> list[Entry]:
    import yaml

    text = decode(read_bytes(path), path, advice=UTF8_ONLY)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise InputError(f"not valid YAML: {problem}", path=str(path),
                         line=mark.line + 1 if mark else None) from None
    if node is None:
        return []
    if (isinstance(node, yaml.MappingNode) and len(node.value) == 1
            and isinstance(node.value[0][0], yaml.ScalarNode) and _LOCALE_KEY.match(str(node.value[0][0].value))
            and isinstance(node.value[0][1], yaml.MappingNode)):
        node = node.value[0][1]  # Rails layout: `zh-CN:` / `en:` around everything
    entries: list[Entry] = []
    _walk_yaml(node, "", node.start_mark, entries)
    return entries


def _walk_yaml(node, key: str, key_mark, entries: list[Entry]) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            name = str(key_node.value)
            _walk_yaml(value_node, f"{key}.{name}" if key else name, key_node.start_mark, entries)
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            _walk_yaml(item, f"{key}.{number}" if key else str(number), item.start_mark, entries)
    elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        entries.append(Entry(key, node.value, key_mark.line + 1, key_mark.column + 1))
