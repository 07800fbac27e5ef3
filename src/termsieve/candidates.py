"""Multi-word term candidates over the segmentation, and their termhood.

A candidate is a run of segmenter tokens inside one punctuation-delimited fragment. The signals,
each documented where it is computed:

* boundaries: a candidate may not start or end with a function word (particles, conjunctions,
  prepositions, pronouns, adverbs) nor start with a verb; what stands next to it on each side should
  be a strong boundary (punctuation, a function word, a verb) rather than more of a noun phrase;
* cohesion: a string that recurs with varied neighbours is a unit (branching entropy over its left
  and right neighbours);
* C-value: a nested candidate keeps credit only for the occurrences it has on its own;
* termhood: general-language frequency (wordfreq's Chinese list) marks everyday words as non-terms;
* short-text cues: quotation marks on both sides, enumerations with 、 or 等, and a numeral +
  classifier in front (20个未来产业);
* parallel slogans (百花齐放、百家争鸣): items of one length joined by 、, and quoted names
  (“一带一路”, “十三五”), kept whole whatever their words.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .chinese import Token
from .cjk import has_cjk, is_cjk_char
from .lexicon import WordTable, bucket_strings

MAX_TOKENS = 6
MAX_CHARS = 16

# jieba/ICTCLAS tag families. These describe the grammar of Chinese, not any document.
# Not "h": prefixes (非, 超低) belong to the term they open (非物质文化遗产, 超低排放); they cannot end one.
_FUNCTION_TAGS = {"c", "p", "u", "uj", "ul", "uz", "ud", "ug", "uv", "y", "e", "o", "r", "rr", "rz",
                  "d", "ad", "zg", "k", "w"}
_VERB_TAGS = {"v", "vd", "vg", "vi", "vq"}
_NOUNISH_TAGS = {"n", "nz", "nt", "ns", "nr", "nrt", "nrfg", "ng", "vn", "an", "j", "l", "i", "eng", "x",
                 "b", "a", "s", "t", "f", "g", "z"}
# Classifiers that count things: a numeral + one of these in front of a noun phrase is a cue that the
# noun phrase is a term (20个未来产业), while 级 or 型 after a numeral build a modifier (万亿级).
_COUNTING_CLASSIFIERS = set("个批项家名位条种次年月日天座所套件只台辆场支份部处户")
_CARDINALS = frozenset("一二三四五六七八九十两几百千万亿半零全")
_OPEN_QUOTES = "“‘「『\"《"
_CLOSE_QUOTES = "”’」』\"》"
_ENUMERATION_MARKS = "、"
_ENUMERATION_ENDS = ("等",)
_PLUS_SIGNS = "+＋"
_LATIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")
_DIGITS = re.compile(r"^[0-9０-９.%％]+$")


class Occurrence(NamedTuple):
    unit: int  # index of the aligned unit (sentence pair) it occurs in
    start: int  # character offsets in the unit's Simplified source text
    end: int


class _Stats:
    # Millions of these exist while a corpus is read: slots and plain lists keep them small.
    __slots__ = ("cue_count", "left_neighbours", "left_strength", "occurrences", "right_neighbours",
                 "right_strength", "tags", "tokens", "whole")

    def __init__(self) -> None:
        self.occurrences: list[Occurrence] = []
        self.left_neighbours: list[str] = []
        self.right_neighbours: list[str] = []
        self.left_strength = 0.0
        self.right_strength = 0.0
        self.cue_count = 0
        self.tokens: tuple[str, ...] = ()
        self.tags: tuple[str, ...] = ()
        # Kept whole whatever its words: a slogan (拓市场、调结构、促平衡) or a quoted name (“一带一路”).
        self.whole = False


@dataclass(frozen=True)
class Candidate:
    simplified: str
    tokens: tuple[str, ...]
    occurrences: tuple[Occurrence, ...]
    termhood: float  # in [0, 1]
    signals: dict[str, float]

    @property
    def frequency(self) -> int:
        return len(self.occurrences)


def _is_word_token(token: Token) -> bool:
    first = token.text[0]
    return is_cjk_char(first) or first.isalnum()


def _is_function(token: Token) -> bool:
    return token.tag in _FUNCTION_TAGS or token.tag.startswith("u")


def _can_start(tokens: Sequence[Token], index: int) -> bool:
    token = tokens[index]
    if _is_function(token) or token.tag == "q":
        return False
    if token.tag == "m" or _DIGITS.match(token.text):
        # A numeral may open a term only when it builds a modifier with what follows (万亿级, 6G).
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        # jieba also tags as numerals words that open policy terms as modifiers (良种 | 补贴, 多层次 |
        # 资本市场, 第四代 | 移动通信): such a word of two or more characters may open one before a
        # noun, unless it counts (一批, 两个, 一些, 全年: 一批 | 出口产品 is no term).
        if (following is not None and len(token.text) >= 2 and token.text[0] not in _CARDINALS
                and not any(char.isdigit() for char in token.text)
                and (following.tag.startswith("n") or following.tag in ("vn", "j", "l"))):
            return True
        return following is not None and following.tag == "q" and following.text not in _COUNTING_CLASSIFIERS
    return True


def _can_end(token: Token) -> bool:
    if token.tag == "h":
        return False  # a prefix
    if _is_function(token) or token.tag in {"m", "q"} or _DIGITS.match(token.text):
        return False
    return token.tag != "f" or len(token.text) > 1


def _boundary_strength(token: Token | None, right: bool = False) -> float:
    """How clearly a neighbouring token ends a noun phrase: 1 for nothing/punctuation/function words."""
    if token is None or not _is_word_token(token) or _is_function(token):
        return 1.0
    if token.tag in _VERB_TAGS:
        return 0.85
    if token.tag in {"m", "q"}:
        return 0.7
    if token.tag in {"l", "i"}:
        return 0.6  # set phrases: mostly verbal (发展壮大), sometimes nominal (关键作用)
    if right and token.tag == "vn":
        return 0.6  # a verbal noun after a term is often its predicate: 产业集群 | 梯次发展
    if token.tag == "vn":
        # Before a term, a verbal noun is as likely to govern it (发展 | 循环经济, 建设 | 智慧城市) as to
        # modify it (发展规划). On nine reports, 0.35-0.6 here (0.25 before, as for nouns) found 11
        # more of the development lists' 1,236 terms (865 -> 876) and 8 more right targets, none lost,
        # for 1-1.4% more rows.
        return 0.5
    return 0.25


def _has_cue(text: str, start: int, end: int, previous: Token | None, before_previous: Token | None,
             following: Token | None) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before and after and before in _OPEN_QUOTES and after in _CLOSE_QUOTES:
        return True
    if before in _ENUMERATION_MARKS or after in _ENUMERATION_MARKS:
        return True
    if following is not None and following.text in _ENUMERATION_ENDS:
        return True
    return (
        previous is not None
        and previous.tag == "q"
        and previous.text in _COUNTING_CLASSIFIERS
        and before_previous is not None
        and before_previous.tag == "m"
    ) or (previous is not None and previous.tag == "m" and len(previous.text) > 1
          and previous.text[-1] in _COUNTING_CLASSIFIERS)


def collect(units: Sequence[tuple[str, list[Token]]]) -> dict[str, _Stats]:
    """Every admissible token n-gram of every unit, with its occurrences and boundary evidence."""
    stats: dict[str, _Stats] = defaultdict(_Stats)
    for unit_index, (text, tokens) in enumerate(units):
        count = len(tokens)
        if not count:
            continue
        # Per-token facts, computed once per unit rather than once per n-gram.
        content = [_is_word_token(token) and not _is_function(token) for token in tokens]
        ends = [content[k] and _can_end(token) for k, token in enumerate(tokens)]
        left = [1.0] + [_boundary_strength(token) for token in tokens[:-1]]
        right = [_boundary_strength(token, right=True) for token in tokens[1:]] + [1.0]
        for i in range(count):
            if not content[i] or not _can_start(tokens, i):
                continue
            first = tokens[i]
            previous = tokens[i - 1] if i > 0 else None
            before_previous = tokens[i - 2] if i > 1 else None
            left_key = previous.text if previous else ""
            chars = 0
            for j in range(i, min(count, i + MAX_TOKENS)):
                if not content[j]:
                    break  # runs stop at punctuation and function words
                last = tokens[j]
                chars += len(last.text)
                if chars > MAX_CHARS:
                    break
                if not ends[j] or chars < 2:
                    continue
                start, end = first.start, last.end
                plus = end < len(text) and text[end] in _PLUS_SIGNS
                if plus:
                    end += 1  # the "X+" programme names: 互联网+, 人工智能+
                surface = text[start:end]
                if _DIGITS.match(surface):
                    continue
                following = tokens[j + 1] if j + 1 < count else None
                entry = stats[surface]
                if not entry.tokens:
                    entry.tokens = tuple(token.text for token in tokens[i:j + 1]) + ((text[end - 1],) if plus else ())
                    entry.tags = tuple(token.tag for token in tokens[i:j + 1])
                _record(entry, Occurrence(unit_index, start, end), left_key, following.text if following else "",
                        left[i], right[j], _has_cue(text, start, end, previous, before_previous, following))
        starts = {token.start: k for k, token in enumerate(tokens)}
        ends = {token.end: k for k, token in enumerate(tokens)}
        _collect_enumerations(stats, unit_index, text, tokens, starts, ends, left, right)
        _collect_quoted(stats, unit_index, text, tokens, starts, ends, left, right)
    return stats


_ENUMERATION_RUN = re.compile("[\u4e00-\u9fff]+(?:、[\u4e00-\u9fff]+)+")
_MAX_ENUMERATION_ITEMS = 4
# Slogans are parallel three- and four-character phrases; runs of two-character items are mostly
# lists of fields or places (政治、经济、文化; 香港、澳门).
_ENUMERATION_ITEM_CHARS = (3, 4)


# Tags that cannot open an item of a slogan: conjunctions, prepositions, pronouns, particles, numerals
# and classifiers. Adverbs and adjectives can (逐步化解, 普遍备案, 有限核准).
_NOT_ITEM_OPENING = {"c", "p", "r", "rr", "rz", "y", "e", "o", "h", "k", "w", "x", "m", "q"}


def _opens_item(token: Token) -> bool:
    return _is_word_token(token) and token.tag not in _NOT_ITEM_OPENING and not token.tag.startswith("u")


def _collect_enumerations(stats: dict[str, _Stats], unit_index: int, text: str, tokens: Sequence[Token],
                          starts: dict[int, int], ends: dict[int, int],
                          left: Sequence[float], right: Sequence[float]) -> None:
    """Parallel slogans: two to four items of one length, 3-4 characters each, joined by 、
    (百花齐放、百家争鸣; 科学决策、民主决策、依法决策). Policy glossaries list them whole. The
    items inside the run fix the length; the first and last items are cut to it, at word boundaries
    of the segmentation, so that a verb governing the run (坚持 | 百花齐放、百家争鸣) stays out."""
    shortest, longest = _ENUMERATION_ITEM_CHARS
    for match in _ENUMERATION_RUN.finditer(text):
        items = match.group().split("、")
        if len(items) > _MAX_ENUMERATION_ITEMS:
            continue
        inner = {len(item) for item in items[1:-1]}
        if len(inner) > 1:
            continue
        lengths = list(inner) if inner else range(min(longest, len(items[0]), len(items[-1])), shortest - 1, -1)
        for length in lengths:
            if not shortest <= length <= longest or len(items[0]) < length or len(items[-1]) < length:
                continue
            start = match.start() + len(items[0]) - length
            end = match.end() - len(items[-1]) + length
            if start not in starts or end not in ends:
                continue
            first, last = starts[start], ends[end]
            if not _opens_item(tokens[first]) or _is_function(tokens[last]) or not _can_end(tokens[last]):
                continue  # 和道路、停车场; 高耗能、高排放和
            # A cut must fall where a noun phrase ends: not 农民专业 | 合作社.
            if (start > match.start() and left[first] <= 0.6) or (end < match.end() and right[last] <= 0.6):
                continue
            item_openings = [starts.get(position + 1) for position in range(start, end) if text[position] == "、"]
            if any(k is None or not _opens_item(tokens[k]) for k in item_openings):
                continue  # 高端延伸、向中西部
            _add_whole(stats, unit_index, text, tokens, first, last, left, right)
            break


# Names and slogans in quotation or title marks: “一带一路”, “十三五”, “零就业”, 《中国制造2025》.
# Their words may be anything (numerals, adverbs), so the n-gram rules above often refuse them.
_QUOTED = re.compile("“([^“”]{2,16})”|‘([^‘’]{2,16})’|「([^「」]{2,16})」|『([^『』]{2,16})』|《([^《》]{2,16})》")
_NOT_IN_QUOTED_TERM = frozenset("。！？；，：,;:!?")


def _collect_quoted(stats: dict[str, _Stats], unit_index: int, text: str, tokens: Sequence[Token],
                    starts: dict[int, int], ends: dict[int, int],
                    left: Sequence[float], right: Sequence[float]) -> None:
    """Every quoted stretch of Chinese without sentence punctuation, as a candidate kept whole."""
    for match in _QUOTED.finditer(text):
        group = next(index for index in range(1, 6) if match.group(index) is not None)
        start, end = match.span(group)
        inner = text[start:end]
        if start not in starts or end not in ends or not has_cjk(inner) or _DIGITS.match(inner):
            continue
        if any(char in _NOT_IN_QUOTED_TERM for char in inner):
            continue  # a quoted sentence, not a name
        first, last = starts[start], ends[end]
        entry = stats.get(inner)
        if entry is not None and any(occurrence.start == start for occurrence in entry.occurrences
                                     if occurrence.unit == unit_index):
            continue  # the n-gram rules took it already
        _add_whole(stats, unit_index, text, tokens, first, last, left, right)


def _add_whole(stats: dict[str, _Stats], unit_index: int, text: str, tokens: Sequence[Token], first: int, last: int,
               left: Sequence[float], right: Sequence[float]) -> None:
    start, end = tokens[first].start, tokens[last].end
    entry = stats[text[start:end]]
    if not entry.tokens:
        entry.tokens = tuple(token.text for token in tokens[first:last + 1])
        entry.tags = tuple(token.tag for token in tokens[first:last + 1])
        entry.whole = True
    _record(entry, Occurrence(unit_index, start, end), tokens[first - 1].text if first > 0 else "",
            tokens[last + 1].text if last + 1 < len(tokens) else "", left[first], right[last], True)


def _record(entry: _Stats, occurrence: Occurrence, left_neighbour: str, right_neighbour: str,
            left_strength: float, right_strength: float, cued: bool) -> None:
    """One occurrence of a candidate, with the boundary evidence on either side of it."""
    entry.occurrences.append(occurrence)
    entry.left_neighbours.append(left_neighbour)
    entry.right_neighbours.append(right_neighbour)
    entry.left_strength += left_strength
    entry.right_strength += right_strength
    entry.cue_count += cued


@lru_cache(maxsize=1)
def _general_frequencies() -> WordTable:
    # The frequency table itself, not zipf_frequency(): that would re-tokenize every word with a
    # second jieba dictionary. Values are Zipf frequencies as text.
    from importlib.util import find_spec

    from .cache import cached

    def build() -> dict[str, str]:
        from wordfreq import get_frequency_dict

        frequencies = get_frequency_dict("zh", wordlist="best")
        return bucket_strings((word, repr(math.log10(frequency) + 9))
                              for word, frequency in frequencies.items() if frequency > 0)

    # wordfreq itself is imported only to build the table: its import alone takes about 0.3 s.
    spec = find_spec("wordfreq")
    package_dirs = list(spec.submodule_search_locations or ()) if spec else []
    data_file = os.path.join(package_dirs[0], "data", "large_zh.msgpack.gz") if package_dirs else ""
    if not data_file or not os.path.exists(data_file):
        return WordTable(build())
    return WordTable(cached("wordfreq-zh-table", [data_file], build))


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    """Zipf frequency (log10 per billion words) of a word in general Chinese; 0 when unseen."""
    zipf = _general_frequencies().get(word)
    return float(zipf) if zipf else 0.0


def _entropy(neighbours: list[str]) -> float:
    counter = Counter(neighbours)
    total = len(neighbours)
    return -sum((n / total) * math.log2(n / total) for n in counter.values()) if total else 0.0


def score(stats: dict[str, _Stats], is_lexicalized) -> list[Candidate]:
    """Termhood in [0, 1] for every collected n-gram, with the signals that made it."""
    # C-value needs, for each candidate, the candidates that contain it.
    containing: dict[str, list[str]] = defaultdict(list)
    for surface, entry in stats.items():
        n = len(entry.tokens)
        for i in range(n):
            for j in range(i + 1, n + 1):
                if j - i == n:
                    continue
                inner = "".join(entry.tokens[i:j])
                if inner in stats:
                    containing[inner].append(surface)

    candidates = []
    for surface, entry in stats.items():
        frequency = len(entry.occurrences)
        longer = containing.get(surface, [])
        nested_frequency = sum(len(stats[outer].occurrences) for outer in longer)
        independent = frequency - nested_frequency / len(longer) if longer else float(frequency)
        c_value = math.log2(1 + len(surface)) * max(0.0, independent)
        left = entry.left_strength / frequency
        right = entry.right_strength / frequency
        cue = entry.cue_count / frequency
        lexical = 1.0 if len(entry.tokens) > 1 and is_lexicalized(surface) else 0.0
        cohesion = 0.0
        if frequency >= 2:
            cohesion = min(1.0, (_entropy(entry.left_neighbours) + _entropy(entry.right_neighbours)) / 4)
        general = _zipf(surface) if len(entry.tokens) == 1 else 0.0
        head_is_nominal = entry.tags[-1] not in _VERB_TAGS
        starts_with_verb = entry.tags[0] in _VERB_TAGS
        inner_tags = entry.tags[1:-1]
        # A verb inside followed by more words reads as a clause (实行在线监测), and a numeral
        # inside as a count (开工20项重大水利工程); both are rare inside terms.
        inner_verbs = sum(1 for tag in inner_tags if tag in _VERB_TAGS)
        inner_numerals = sum(1 for token, tag in zip(entry.tokens[1:-1], inner_tags)
                             if tag in {"m", "q"} or _DIGITS.match(token))
        if entry.tags[0] == "m" and inner_tags[:1] == ("q",):
            inner_numerals -= 1  # the classifier of a leading numeral modifier: 万亿 | 级


        value = 0.3 * left + 0.3 * right + 0.1 * head_is_nominal
        if not head_is_nominal and len(entry.tokens) > 1 and len(entry.tokens[-1]) == 1:
            value -= 0.2  # a term may end on a verbal noun (生物制造), hardly on a one-character verb (今年是)
        value += 0.15 * cue + 0.2 * lexical + 0.1 * cohesion
        if frequency >= 2:
            value += min(0.2, 0.05 * c_value)
        if entry.whole:
            # Items of a slogan often open on a verb (拓市场、调结构), a quoted name may hold numerals
            # (十三五), and either is one unit.
            starts_with_verb = False
            inner_verbs = inner_numerals = 0
        if starts_with_verb or entry.tags[0] == "vn":
            # A verb opening the string usually governs the term rather than belonging to it, the
            # more so when what follows it stands as a term of its own (打造 | 国家数据管理中心). A verbal
            # noun (发展, 建设) is often a modifier (发展规划), so it is suspect only in that case.
            rest = "".join(entry.tokens[1:])
            rest_stands = rest in stats and (len(entry.tokens) > 2 or 0 < _zipf(rest) < 4.0)
            if starts_with_verb:
                value -= (0.45 if rest_stands else 0.2) - 0.1 * cue
            elif rest_stands:
                value -= 0.3 - 0.1 * cue
        value -= 0.15 * inner_verbs + 0.3 * inner_numerals
        if len(entry.tokens) > 4:
            value -= 0.1 * (len(entry.tokens) - 4) * (1 - cue)
        if len(entry.tokens) == 1:
            # A lone segmenter token is a term only when general language rarely uses it.
            value -= max(0.0, general - 3.0) * 0.15 + (0.2 if len(surface) <= 2 else 0.0)
        if not has_cjk(surface):
            value -= 0.3
        termhood = max(0.0, min(1.0, value))
        candidates.append(
            Candidate(
                simplified=surface,
                tokens=entry.tokens,
                occurrences=tuple(entry.occurrences),
                termhood=round(termhood, 4),
                signals={
                    "left_boundary": round(left, 3),
                    "right_boundary": round(right, 3),
                    "cue": round(cue, 3),
                    "lexical": lexical,
                    "cohesion": round(cohesion, 3),
                    "c_value": round(c_value, 3),
                    "general_zipf": round(general, 2),
                },
            )
        )
    candidates.sort(key=lambda candidate: (-candidate.termhood, -candidate.frequency, candidate.simplified))
    return candidates
