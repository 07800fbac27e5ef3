"""What counts as a Chinese character, and how full-width letters and digits fold to ASCII: one
definition for the readers, extraction and check.

The pattern is compiled on first use: compiling a class of CJK ranges costs milliseconds, and
`termsieve check` on ASCII files never needs it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Unified ideographs: extension A, the basic block, compatibility ideographs.
_BMP_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Extensions B and beyond (rare characters, mostly in names).
_SUPPLEMENTARY_RANGES = "\U00020000-\U0003134f"


@lru_cache(maxsize=2)
def cjk_pattern(supplementary: bool = False) -> re.Pattern[str]:
    """One CJK ideograph; with `supplementary`, also those beyond the Basic Multilingual Plane."""
    return re.compile(f"[{_BMP_RANGES}{_SUPPLEMENTARY_RANGES if supplementary else ''}]")


def has_cjk(text: str) -> bool:
    return not text.isascii() and cjk_pattern().search(text) is not None


def is_cjk_char(char: str) -> bool:
    return cjk_pattern().match(char) is not None


# Full-width letters, digits and signs, but not the punctuation Chinese writes full-width (，；：（）！？),
# which nearly every Chinese text holds: looking for those first spares most texts the translation.
KEPT_FULL_WIDTH = "，；：（）！？"
ASCII_FORMS = str.maketrans({chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)
                             if chr(code) not in KEPT_FULL_WIDTH})
_FULL_WIDTH_SIGNS = re.compile("[" + "".join(map(re.escape, map(chr, ASCII_FORMS))) + "]")


def fold_width(text: str) -> str:
    """Full-width letters, digits and signs (５Ｇ, ＋) as ASCII; the punctuation Chinese writes
    full-width stays. Length-preserving; a text without any is only searched."""
    return text.translate(ASCII_FORMS) if _FULL_WIDTH_SIGNS.search(text) else text
