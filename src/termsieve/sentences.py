"""Sentence splitting for Chinese and English, and sentence alignment of paragraph pairs.

Alignment is Gale-Church length-based dynamic programming over beads (1-1, 1-2, 2-1, 2-2, 1-0,
0-1, plus 1-3 and 3-1 because a long Chinese sentence often becomes three English ones), with the
English/Chinese length ratio estimated from the paragraph itself, and strengthened by anchors:
numbers and Latin tokens (5G, AI, CPC) that appear on both sides.

Each boundary between two beads gets a posterior probability (forward-backward over all
alignments). `align_corpus` splits a paragraph pair only at boundaries whose posterior is at least
`CONFIDENT_BOUNDARY`; between them, sentences stay together, and a paragraph with no confident inner
boundary stays whole.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate, pairwise

from .model import Granularity, SegmentPair
from .results import Span

# A boundary is cut only when at least this share of the probability mass of all alignments
# passes through it. On the GR2008-2016 TMX files re-joined into paragraphs of 3-6 units
# (benchmarks/align_accuracy.py): 0.8 recovers 94% of the recoverable links with 1.1% wrong cuts;
# 0.95 recovers 78% with 0.7% wrong; 0 (every Viterbi boundary) 97.6% with 2.2% wrong.
CONFIDENT_BOUNDARY = 0.8

# --- splitting ---

_CLOSERS = "\"'”’」』）)】》〉]"
_ZH_END = re.compile(
    r"(?:[。！？；!?;]+|(?<=[\u3400-\u9fff\uf900-\ufaff])\.(?!\d))"  # "." right after a CJK character
    r"[" + re.escape(_CLOSERS) + r"]*"
)
_EN_END = re.compile(r"(?:\.{3}|…|[.!?]+)[" + re.escape(_CLOSERS) + r"]*(?=\s+|$)")
# Words after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    re.findall(
        r"\S+",
        """mr mrs ms dr prof sr jr st mt vs etc e.g i.e cf al fig figs no nos art arts para paras vol
        vols pp p ch sec sect jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp dept est
        approx gov govt u.s u.k u.n e.u p.r.c a.m p.m""",
    )
)
# Abbreviations that end sentences when a capitalized word follows ("... and so on, etc. We ...").
_SENTENCE_FINAL_ABBREVIATIONS = frozenset({"etc", "al"})
_ROMAN = re.compile(r"^[IVXLC]+$")


def split_chinese(text: str) -> list[Span]:
    """Sentences of a Chinese text, ending at 。！？； (and ASCII ; ! ?, or "." after a CJK character)."""
    ends = [match.end() for match in _ZH_END.finditer(text)]
    return _spans(text, ends)


def split_english(text: str) -> list[Span]:
    """Sentences of an English text; abbreviations (U.S., No. 5, e.g.) and decimals (3.5) do not end one."""
    ends = []
    for match in _EN_END.finditer(text):
        if _is_sentence_end(text, match.start(), match.end()):
            ends.append(match.end())
    return _spans(text, ends)


def _is_sentence_end(text: str, start: int, end: int) -> bool:
    following = text[end:].lstrip()
    if not following:
        return True
    if text[start] != ".":
        return following[0].isupper() or following[0].isdigit() or following[0] in "\"“‘'([—-"
    word_match = re.search(r"([A-Za-z0-9][A-Za-z0-9.]*)$", text[:start])
    word = word_match.group(1) if word_match else ""
    lowered = word.lower()
    next_is_upper = following[0].isupper() or following[0] in "\"“‘'(["
    if lowered in _ABBREVIATIONS:
        if lowered == "no" and not following[0].isdigit():
            return next_is_upper
        return lowered in _SENTENCE_FINAL_ABBREVIATIONS and next_is_upper and text[end - 1] == "."
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # an initial: "J. Smith"
    if word and "." in word:
        return False  # "U.S.", "a.m." and other dotted abbreviations
    if word and (word.isdigit() or _ROMAN.match(word)) and _starts_sentence(text, word_match.start()):
        return False  # a list number: "5. Developing ...", "II. Tasks"
    return next_is_upper or following[0].isdigit() or following[0] in "—-–"


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before[-1] in ".!?:;" + _CLOSERS


def _spans(text: str, ends: list[int]) -> list[Span]:
    spans = []
    start = 0
    for end in [*ends, len(text)]:
        span = _trimmed(text, start, end)
        if span is not None:
            spans.append(span)
        start = end
    return spans


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


# --- alignment ---


@dataclass(frozen=True)
class SentencePair:
    """Aligned source and target spans (an empty span on one side for a 1-0 or 0-1 bead)."""

    source: Span
    target: Span
    confidence: float


# Bead -> prior probability. Chinese ";" and long sentences make 1-2 and 2-1 more common than in
# European pairs (Gale & Church's 0.089).
_BEADS: dict[tuple[int, int], float] = {
    (1, 1): 0.80,
    (1, 2): 0.07,
    (2, 1): 0.07,
    (2, 2): 0.01,
    (1, 3): 0.02,
    (3, 1): 0.01,
    (1, 0): 0.01,
    (0, 1): 0.01,
}
# Variance of English length per Chinese character, in units of the squared length ratio
# (measured on the GR TMX 1-1 links: about 1.6 c^2; heavy-tailed, so a little wider).
_VARIANCE_PER_RATIO = 2.0
_DEFAULT_RATIO = 5.0  # English characters per Chinese character (GR corpora: 5.4)
_RATIO_PRIOR_WEIGHT = 20  # as if this many Chinese characters at the default ratio were added
_ANCHOR_MATCH = 2.0  # cost reduction per anchor found on both sides of a bead
_ANCHOR_MISS = 1.0  # cost per anchor found on one side only


def align_sentences(source: str, target: str) -> list[SentencePair]:
    """Align the Chinese sentences of `source` with the English sentences of `target`."""
    source_spans, target_spans = split_chinese(source), split_english(target)
    alignment = _align(source, source_spans, target, target_spans)
    return [
        SentencePair(
            source=_cover(source_spans, i0, i1),
            target=_cover(target_spans, j0, j1),
            confidence=confidence,
        )
        for (i0, j0), (i1, j1), confidence in alignment.beads()
    ]


def align_corpus(pairs: Sequence[SegmentPair], threshold: float = CONFIDENT_BOUNDARY) -> list[SegmentPair]:
    """Sentence-level pairs: PARAGRAPH pairs are aligned and split where confident; SEGMENT pairs pass through.

    A paragraph pair is split only at sentence boundaries whose posterior is at least `threshold`.
    """
    result: list[SegmentPair] = []
    # Repeated paragraphs (boilerplate, translation memories) are aligned once.
    regions_seen: dict[tuple[str, str], list[tuple[Span, Span]] | None] = {}
    for pair in pairs:
        if pair.granularity is not Granularity.PARAGRAPH:
            result.append(pair)
            continue
        key = (pair.source, pair.target)
        if key not in regions_seen:
            regions_seen[key] = _regions(pair, threshold)
        result.extend(_split_pair(pair, regions_seen[key]))
    return result


def _regions(pair: SegmentPair, threshold: float) -> list[tuple[Span, Span]] | None:
    """The (source, target) spans a paragraph pair splits into; None when it has one sentence a side."""
    source_spans, target_spans = split_chinese(pair.source), split_english(pair.target)
    if len(source_spans) <= 1 and len(target_spans) <= 1:
        return None
    alignment = _align(pair.source, source_spans, pair.target, target_spans)
    return [
        (_cover(source_spans, i0, i1), _cover(target_spans, j0, j1))
        for (i0, j0), (i1, j1) in alignment.confident_regions(threshold)
    ]


def _split_pair(pair: SegmentPair, regions: list[tuple[Span, Span]] | None) -> list[SegmentPair]:
    if regions is None:
        return [replace(pair, source=unwrap(pair.source), target=unwrap(pair.target),
                        granularity=Granularity.SEGMENT)]
    pieces = []
    for source_span, target_span in regions:
        pieces.append(
            SegmentPair(
                source=unwrap(pair.source[source_span.start: source_span.end]),
                target=unwrap(pair.target[target_span.start: target_span.end]),
                source_location=_located(pair.source_location, pair.source, source_span.start),
                target_location=_located(pair.target_location, pair.target, target_span.start),
                granularity=Granularity.SEGMENT,
                key=pair.key,
            )
        )
    return pieces


def _located(location, text: str, offset: int):
    """Where `offset` of a paragraph's text is, given where the paragraph starts.

    Readers keep the line breaks of wrapped paragraphs, so a sentence on a later line gets that
    line and its column there; on the first line, the column is the offset + 1.
    """
    if location.cell:
        return location
    breaks = text.count("\n", 0, offset)
    if breaks:
        line_start = text.rfind("\n", 0, offset) + 1
        return replace(location, line=location.line + breaks, column=offset - line_start + 1)
    return replace(location, column=(location.column or 1) + offset)


_LINE_BREAK_WITH_SPACE = re.compile(r"[ \t]*\n\s*")


def unwrap(text: str) -> str:
    """One line from a wrapped paragraph: breaks between two CJK characters vanish, others become spaces."""
    if "\n" not in text:
        return text

    def joiner(match: re.Match) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "" if _is_wide(before) and _is_wide(after) else " "

    return _LINE_BREAK_WITH_SPACE.sub(joiner, text).strip()


def _is_wide(char: str) -> bool:
    # CJK characters and full-width punctuation are written without spaces between them.
    return bool(char) and ord(char) >= 0x2E80


def _cover(spans: list[Span], first: int, last: int) -> Span:
    """Span from sentence `first` up to (not including) sentence `last`; empty at the position for none."""
    if last > first:
        return Span(spans[first].start, spans[last - 1].end)
    if not spans:
        return Span(0, 0)
    position = spans[first].start if first < len(spans) else spans[-1].end
    return Span(position, position)


# --- the dynamic programme ---


@dataclass(frozen=True)
class _Alignment:
    path: tuple[tuple[int, int], ...]  # Viterbi boundary points from (0, 0) to (n, m)
    boundary_posterior: tuple[float, ...]  # for each point of the path
    bead_posterior: tuple[float, ...]  # for each bead (path[k] -> path[k + 1])

    def beads(self):
        for index in range(len(self.path) - 1):
            yield self.path[index], self.path[index + 1], self.bead_posterior[index]

    def confident_regions(self, threshold: float) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """Stretches between confident boundaries; a bead with an empty side never stands alone."""
        cuts = [0]
        for index in range(1, len(self.path) - 1):
            before, point, after = self.path[index - 1], self.path[index], self.path[index + 1]
            null_next_to_it = _is_null(before, point) or _is_null(point, after)
            if self.boundary_posterior[index] >= threshold and not null_next_to_it:
                cuts.append(index)
        cuts.append(len(self.path) - 1)
        return [(self.path[a], self.path[b]) for a, b in pairwise(cuts)]


def _is_null(start: tuple[int, int], end: tuple[int, int]) -> bool:
    return start[0] == end[0] or start[1] == end[1]


def _align(source: str, source_spans: list[Span], target: str, target_spans: list[Span]) -> _Alignment:
    source_texts = [source[span.start: span.end] for span in source_spans]
    target_texts = [target[span.start: span.end] for span in target_spans]
    return align_units(source_texts, target_texts)


# Above this many DP cells, search only a band around the diagonal; above _MAX_CELLS, give up.
_FULL_SEARCH_CELLS = 40_000
_DEFAULT_BAND = 25
_MAX_CELLS = 2_000_000
# Lines of two files meant to pair one to one: a missing or extra line is the usual fault.
_LINE_BEADS: dict[tuple[int, int], float] = {(1, 1): 0.90, (1, 0): 0.03, (0, 1): 0.03, (2, 1): 0.02, (1, 2): 0.02}


def align_units(source_texts: Sequence[str], target_texts: Sequence[str], band: int | None = None,
                beads: dict[tuple[int, int], float] | None = None, posteriors: bool = True) -> _Alignment:
    """Align two sequences of Chinese and English units (sentences, or lines of two files).

    `beads` maps (Chinese units, English units) to prior probabilities; `band` limits the search to
    that many units either side of the diagonal (for long sequences). Without `posteriors`, only
    the best path is computed (its posteriors are left at 1).
    """
    bead_priors = beads or _BEADS
    bead_costs = {bead: -math.log(prior) for bead, prior in bead_priors.items()}
    n, m = len(source_texts), len(target_texts)
    source_lengths = [_chinese_length(text) for text in source_texts]
    target_lengths = [len(text) for text in target_texts]
    total_source, total_target = sum(source_lengths), sum(target_lengths)
    # The paragraph's own ratio, pulled towards the usual one when the paragraph is short.
    ratio = (total_target + _DEFAULT_RATIO * _RATIO_PRIOR_WEIGHT) / (total_source + _RATIO_PRIOR_WEIGHT)
    variance = _VARIANCE_PER_RATIO * ratio * ratio
    source_anchors = [_source_anchors(text) for text in source_texts]
    # English anchors count only when the Chinese side has something to match them ("one of" is no number).
    source_vocabulary = {token for anchors in source_anchors for token in anchors}
    target_anchors = [_target_anchors(text, source_vocabulary) for text in target_texts]

    if band is None and (n + 1) * (m + 1) > _FULL_SEARCH_CELLS:
        band = _DEFAULT_BAND
    width = band  # around the diagonal scaled to the two lengths, so unequal counts need no extra room
    if width is not None and (n + 1) * (2 * width + 1) > _MAX_CELLS:
        # Too long and too uneven to align in reasonable time: one low-confidence bead.
        return _Alignment(path=((0, 0), (n, m)), boundary_posterior=(1.0, 1.0), bead_posterior=(0.0,))

    def columns(i: int) -> range:
        if width is None:
            return range(m + 1)
        expected = round(i * m / n) if n else 0
        return range(max(0, expected - width), min(m, expected + width) + 1)

    source_prefix = [0, *accumulate(source_lengths)]
    target_prefix = [0, *accumulate(target_lengths)]
    cost_cache: dict[tuple[int, int, int, int], float] = {}

    def cost(i0: int, j0: int, i1: int, j1: int) -> float:
        key = (i0, j0, i1, j1)
        value = cost_cache.get(key)
        if value is not None:
            return value
        value = bead_costs[(i1 - i0, j1 - j0)]
        if i1 > i0 and j1 > j0:
            # An omission's probability is its prior whatever its length (Gale-Church's length
            # cost would make a long missing line look like a merge with its neighbour).
            value += _length_cost(source_prefix[i1] - source_prefix[i0], target_prefix[j1] - target_prefix[j0],
                                  ratio, variance)
        anchors_source = sum(source_anchors[i0:i1], ())
        anchors_target = sum(target_anchors[j0:j1], ())
        if anchors_source and anchors_target:
            matched = sum((Counter(anchors_source) & Counter(anchors_target)).values())
            missed = len(anchors_source) + len(anchors_target) - 2 * matched
            # A matched anchor counts less in a merged bead, so that anchors favour the finer split.
            value += _ANCHOR_MISS * missed - _ANCHOR_MATCH * matched / max(i1 - i0, j1 - j0)
        elif anchors_source or anchors_target:
            value += _ANCHOR_MISS * (len(anchors_source) + len(anchors_target))
        cost_cache[key] = value
        return value

    # Dictionaries keyed by (i, j): only the cells inside the band exist.
    forward: dict[tuple[int, int], float] = {(0, 0): 0.0}  # log-sum of exp(-cost) over paths to (i, j)
    best: dict[tuple[int, int], float] = {(0, 0): 0.0}  # Viterbi cost
    back: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(n + 1):
        for j in columns(i):
            if i == 0 and j == 0:
                continue
            terms = []
            best_cost, best_previous = math.inf, None
            for di, dj in bead_priors:
                previous = (i - di, j - dj)
                if previous not in best:
                    continue
                bead_cost = cost(previous[0], previous[1], i, j)
                if posteriors:
                    terms.append(forward[previous] - bead_cost)
                if best[previous] + bead_cost < best_cost:
                    best_cost, best_previous = best[previous] + bead_cost, previous
            if best_previous is not None:
                forward[(i, j)] = _log_sum(terms) if posteriors else 0.0
                best[(i, j)] = best_cost
                back[(i, j)] = best_previous
    if (n, m) not in best:  # cannot happen: 1-0 and 0-1 beads reach every cell of the band
        return _Alignment(path=((0, 0), (n, m)), boundary_posterior=(1.0, 1.0), bead_posterior=(0.0,))
    path = [(n, m)]
    while path[-1] != (0, 0):
        path.append(back[path[-1]])
    path.reverse()
    if not posteriors:
        return _Alignment(path=tuple(path), boundary_posterior=(1.0,) * len(path),
                          bead_posterior=(1.0,) * (len(path) - 1))
    backward: dict[tuple[int, int], float] = {(n, m): 0.0}
    for i in range(n, -1, -1):
        for j in reversed(columns(i)):
            if (i, j) == (n, m) or (i, j) not in forward:
                continue
            terms = []
            for di, dj in bead_priors:
                following = (i + di, j + dj)
                if following in backward:
                    terms.append(backward[following] - cost(i, j, following[0], following[1]))
            if terms:
                backward[(i, j)] = _log_sum(terms)

    total = forward[(n, m)]
    boundary = tuple(min(1.0, math.exp(forward[point] + backward.get(point, -math.inf) - total)) for point in path)
    beads = tuple(
        min(1.0, math.exp(forward[start] - cost(start[0], start[1], end[0], end[1]) + backward[end] - total))
        for start, end in pairwise(path)
    )
    return _Alignment(path=tuple(path), boundary_posterior=boundary, bead_posterior=beads)


def first_divergence(source_texts: Sequence[str], target_texts: Sequence[str]) -> int:
    """Index of the first unit where two parallel sequences stop pairing one to one (best guess)."""
    alignment = align_units(source_texts, target_texts, band=10, beads=_LINE_BEADS, posteriors=False)
    # Local 2-1 + 1-2 swaps come back to the diagonal; a missing line leaves it for good.
    on_diagonal = [i for i, j in alignment.path if i == j]
    return on_diagonal[-1] if on_diagonal else 0


def _log_sum(values: list[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(value - top) for value in values))


def _length_cost(length_source: int, length_target: int, ratio: float, variance: float) -> float:
    """-log of the probability of a length difference at least this large (Gale & Church 1993)."""
    mean = max((length_source + length_target / ratio) / 2, 1.0)
    z = (length_target - ratio * length_source) / math.sqrt(variance * mean)
    probability = math.erfc(abs(z) / math.sqrt(2))
    return -math.log(max(probability, 1e-300))


_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_RUN = re.compile(r"[A-Za-z0-9]+")


def _chinese_length(text: str) -> int:
    """Length in Chinese characters; embedded Latin text (5G, 2025) counts a character per 3 letters."""
    cjk = len(_CJK_CHAR.findall(text))
    latin = sum(len(run) for run in _LATIN_RUN.findall(text))
    return cjk + (latin + 2) // 3


# --- anchors ---

_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.,])(\d+(?:,\d{3})*(?:\.\d+)?)(?![A-Za-z])(?:\s*(万|亿|million|billion|trillion))?",
    re.IGNORECASE,
)
_LATIN_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9\-]*|\d+[A-Za-z][A-Za-z0-9]*")
_MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "million": 1_000_000, "billion": 1_000_000_000,
                "trillion": 1_000_000_000_000}
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        re.findall(
            r"\S+",
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen eighteen nineteen twenty",
        )
    )
}
_ENGLISH_WORD = re.compile(r"[A-Za-z]+")


def _normalized_number(digits: str, multiplier: str | None) -> str:
    value = float(digits.replace(",", ""))
    if multiplier:
        value *= _MULTIPLIERS[multiplier.lower()]
    return str(int(value)) if value == int(value) else f"{value:g}"


def _numbers(text: str) -> list[str]:
    return [_normalized_number(digits, multiplier) for digits, multiplier in _NUMBER.findall(text)]


@lru_cache(maxsize=4096)
def _source_anchors(text: str) -> tuple[str, ...]:
    latin = [token for token in _LATIN_TOKEN.findall(text) if not token.isdigit()]
    return (*_numbers(text), *latin)


def _target_anchors(text: str, source_vocabulary: set[str]) -> tuple[str, ...]:
    words = _ENGLISH_WORD.findall(text)
    number_words = [
        _NUMBER_WORDS[word.lower()]
        for word in words
        if word.lower() in _NUMBER_WORDS and _NUMBER_WORDS[word.lower()] in source_vocabulary
    ]
    latin = [token for token in _LATIN_TOKEN.findall(text) if token in source_vocabulary]
    return (*_numbers(text), *number_words, *latin)
