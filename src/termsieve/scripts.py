"""Traditional -> Simplified conversion for `termsieve check`, without the extraction machinery.

OpenCC (config t2s) is imported only when some text holds CJK characters, and many strings are
converted in one call because each call into OpenCC has a fixed cost.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

_SEPARATOR = "\n"


@lru_cache(maxsize=1)
def _converter():
    # Share the converter the glossary reader already built (building one costs ~15 ms).
    from .chinese import _t2s

    return _t2s()




def to_simplified(text: str) -> str:
    """Simplified form of `text` with the same length, so offsets in it are offsets in `text`."""
    return to_simplified_all([text])[0]


@lru_cache(maxsize=1)
def _changing_characters() -> frozenset[str]:
    """The characters t2s changes, built once with OpenCC and kept in termsieve's cache.

    With it, text that is already Simplified (most of it) is recognized without importing OpenCC,
    whose import and set-up are about a fifth of a small check's run time.
    """
    import importlib.util

    from .cache import cached

    spec = importlib.util.find_spec("opencc")
    origin = spec.origin if spec and spec.origin else __file__
    data = os.path.join(os.path.dirname(origin), "clib", "share", "opencc", "TSCharacters.ocd2")
    return frozenset(cached("t2s-characters", [data if os.path.exists(data) else origin], _characters_t2s_changes))


def _characters_t2s_changes() -> str:
    ranges = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF)]
    characters = [chr(code) for low, high in ranges for code in range(low, high + 1)]
    # One character a line, so that no two neighbours are taken for a phrase.
    converted = _converter().convert("\n".join(characters)).split("\n")
    return "".join(old for old, new in zip(characters, converted) if old != new)


def _needs_conversion(text: str) -> bool:
    return not text.isascii() and not _changing_characters().isdisjoint(text)


def to_simplified_all(texts: Sequence[str]) -> list[str]:
    """Simplified forms of many texts, converted in one OpenCC call."""
    if not any(_needs_conversion(text) for text in texts):
        return list(texts)
    # Newlines inside a text would shift the split; they never change under t2s, so stand-ins work.
    flattened = [text.replace(_SEPARATOR, " ") for text in texts]
    converted = _converter().convert(_SEPARATOR.join(flattened)).split(_SEPARATOR)
    if len(converted) != len(texts):  # pragma: no cover - OpenCC keeps newlines
        converted = [_converter().convert(text) for text in flattened]
    result = []
    for original, simplified in zip(texts, converted):
        if len(simplified) != len(original):
            # A phrase mapping changed the length: convert character by character to keep offsets.
            from .chinese import to_simplified_by_character

            simplified = to_simplified_by_character(original)
        elif _SEPARATOR in original:
            simplified = "".join(
                char if char == _SEPARATOR else new for char, new in zip(original, simplified)
            )
        result.append(simplified)
    return result
