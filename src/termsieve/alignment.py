"""Word alignment learned from the corpus itself: IBM Model 1, seeded by the dictionary.

CC-CEDICT says what a word means, not what these translators wrote for it (城镇: "cities and towns",
rendered "urban"; 稳健: "firm; stable and steady", rendered "prudent"). Model 1 learns, over every
sentence pair of the corpus, how likely each English word is to render each Chinese word. Within one
sentence the Chinese words then compete for its English words: the probability that an English word
renders a given stretch of the Chinese is what the matcher reads (`WordAlignment.aligned`).

The dictionary seeds the model: a pair it links starts `_DICTIONARY_PRIOR` times as likely as any
other, which keeps a small corpus (a short report) from learning chance company. Each English content
word may also be aligned to nothing (a NULL word, at a discount), as translators add words.
Expectation-maximization runs over all co-occurring pairs at once, in numpy: about 0.1 s for a report
of 700 sentence pairs. Posteriors are computed per unit when the matcher asks for them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

from .cjk import has_cjk
from .english import FUNCTION_WORDS, stem

if TYPE_CHECKING:
    from .matching import Unit

_ITERATIONS = 5
_DICTIONARY_PRIOR = 10.0
_MIN_REPORTED = 0.05
_LETTERS = re.compile(r"[A-Za-z]+")
_NULL_WEIGHT = 0.2
_MAX_TRAINING_ENTRIES = 3_000_000  # (English, Chinese) word pairs within sentences: ~220 MB to train
_POSTERIOR_CACHE_ENTRIES = 4_000_000  # 32 MB of float64
_MAX_UNIT_ENTRIES = 20_000  # English content words x Chinese words of a unit: 100 x 200 is a long sentence


class WordAlignment:
    """Posterior probabilities that the English words of a unit render stretches of its Chinese."""

    def __init__(self, units: Sequence[Unit], chinese_words: Sequence[Sequence[str]],
                 lookup: Callable[[str], tuple[str, ...]]):
        """`chinese_words[i]` is the segmentation of `units[i].simplified` (its words, in order)."""
        import numpy as np

        self._np = np
        self._chinese_ids: dict[str, int] = {}  # 0 is NULL; -1 for punctuation, which renders nothing
        self._english_ids: dict[str, int] = {}
        # Identical sentence pairs (translation memories repeat them) are one unit, counted as often.
        self._canonical: list[int] = []
        first_of: dict[tuple[str, str], int] = {}
        multiplicity: Counter[int] = Counter()
        # Per distinct unit: the (start, end) of each Chinese word aligned, the indices of its English
        # content words, and the ids of both sides (NULL first on the Chinese side).
        self._spans: dict[int, tuple[tuple[int, int], ...]] = {}
        self._content: dict[int, tuple[int, ...]] = {}
        self._ids: dict[int, tuple[list[int], list[int]]] = {}
        for index, (unit, words) in enumerate(zip(units, chinese_words)):
            canonical = first_of.setdefault((unit.simplified, unit.target), index)
            self._canonical.append(canonical)
            multiplicity[canonical] += 1
            if canonical == index:
                self._add_unit(index, unit, words)
        self._posterior_cache: dict[int, object] = {}
        self._cached_entries = 0
        self._pairs = np.zeros(0, dtype=np.int64)
        self._translation = np.zeros(0)
        # Asked at every lookup: which units align at all, and where each Chinese word ends.
        self._aligning = frozenset(index for index in self._ids if self._aligns(index))
        self._span_ends = {index: tuple(end for _, end in spans) for index, spans in self._spans.items()}
        trained = [index for index in self._ids if index in self._aligning]
        total = sum(map(self._entries, trained))
        if total > _MAX_TRAINING_ENTRIES:
            # Memory grows with the corpus: beyond the budget, an even sample of it trains the model.
            step = total / _MAX_TRAINING_ENTRIES
            trained = [trained[int(k * step)] for k in range(int(len(trained) / step))]
        if trained:
            self._train(trained, [multiplicity[index] for index in trained], lookup)

    def _entries(self, index: int) -> int:
        """Size of the unit's matrix: its English content words x (its Chinese words + NULL)."""
        return len(self._content[index]) * (len(self._spans[index]) + 1)

    def _aligns(self, index: int) -> bool:
        """Is the unit sentence-sized? A whole paragraph pair (kept where sentence alignment was unsure)
        spreads each word's probability too thin to tell anything, and its matrix would be large."""
        return bool(self._content[index] and self._spans[index]) and self._entries(index) <= _MAX_UNIT_ENTRIES

    def _add_unit(self, index: int, unit: Unit, words: Sequence[str]) -> None:
        spans = []
        ids = [0]
        position = 0
        for word in words:
            word_id = self._chinese_ids.get(word)
            if word_id is None:
                word_id = self._chinese_ids[word] = (
                    len(self._chinese_ids) + 1 if has_cjk(word) or word.isalnum() else -1
                )
            if word_id > 0:
                spans.append((position, position + len(word)))
                ids.append(word_id)
            position += len(word)
        content = tuple(j for j, word in enumerate(unit.words) if word.is_content)
        english = [self._english_ids.setdefault(unit.words[j].stem, len(self._english_ids)) for j in content]
        self._spans[index] = tuple(spans)
        self._content[index] = content
        self._ids[index] = (ids, english)

    def _train(self, trained: list[int], weights: list[int], lookup: Callable[[str], tuple[str, ...]]) -> None:
        np = self._np
        english_count = max(1, len(self._english_ids))
        # One row per English word of a unit, one column per Chinese word (NULL first).
        row_size = np.array([len(self._ids[index][0]) for index in trained for _ in self._content[index]],
                            dtype=np.int64)
        row_weight = np.array([weight for index, weight in zip(trained, weights) for _ in self._content[index]],
                              dtype=np.float64)
        chinese = np.fromiter(chain.from_iterable(
            self._ids[index][0] * len(self._content[index]) for index in trained), dtype=np.int64)
        english = np.repeat(np.fromiter(chain.from_iterable(self._ids[index][1] for index in trained),
                                        dtype=np.int64), row_size)
        rows = np.repeat(np.arange(len(row_size)), row_size)
        pairs, pair_of_entry = np.unique(chinese * english_count + english, return_inverse=True)
        del chinese, english
        pair_chinese = pairs // english_count
        seeded = {
            chinese_id * english_count + self._english_ids[word_stem]
            for word, chinese_id in self._chinese_ids.items() if chinese_id > 0
            for word_stem in _gloss_stems(word, lookup)
            if word_stem in self._english_ids
        }
        translation = np.ones(len(pairs))
        if seeded:
            # Both sides are unique (pairs come from np.unique): saying so spares isin a np.unique
            # call, whose check for masked arrays imports numpy.ma (about 15 ms of start-up).
            is_seeded = np.isin(pairs, np.array(sorted(seeded), dtype=np.int64), assume_unique=True)
            translation[is_seeded] = _DICTIONARY_PRIOR
        # NULL keeps company with every English word and has little else to explain: left at par, it
        # learns to claim a word that recurs with one Chinese word however faithfully (urban, with
        # 城镇), so it takes part in each sentence at a fixed discount.
        discount = np.where(pair_chinese == 0, _NULL_WEIGHT, 1.0)
        entry_weight = row_weight[rows]
        for _ in range(_ITERATIONS):
            values = (translation * discount)[pair_of_entry]
            posterior = values / np.bincount(rows, weights=values)[rows]
            counts = np.bincount(pair_of_entry, weights=posterior * entry_weight, minlength=len(pairs))
            translation = counts / np.bincount(pair_chinese, weights=counts)[pair_chinese]
        self._pairs = pairs
        self._translation = translation * discount

    def _posteriors(self, index: int):
        """The unit's matrix: one row per English content word, one column per Chinese word (NULL first)."""
        cached = self._posterior_cache.get(index)
        if cached is None:
            np = self._np
            chinese, english = self._ids[index]
            wanted = (np.array(chinese, dtype=np.int64)[None, :] * max(1, len(self._english_ids))
                      + np.array(english, dtype=np.int64)[:, None])
            if len(self._pairs):
                place = np.minimum(np.searchsorted(self._pairs, wanted), len(self._pairs) - 1)
                values = np.where(self._pairs[place] == wanted, self._translation[place], 0.0)
            else:
                values = np.zeros(wanted.shape)
            totals = values.sum(axis=1, keepdims=True)
            cached = values / np.where(totals > 0, totals, 1.0)
            self._cached_entries += cached.size
            if self._cached_entries > _POSTERIOR_CACHE_ENTRIES:
                self._posterior_cache.clear()  # bounds memory: a paragraph-long unit alone can be 10^5
                self._cached_entries = cached.size
            self._posterior_cache[index] = cached
        return cached

    def aligned(self, unit_index: int, start: int, end: int) -> dict[int, float]:
        """English word index -> probability that it renders the unit's Chinese characters [start, end).

        A Chinese word only partly inside contributes in proportion. Values under 0.05 are left out.
        """
        index = self._canonical[unit_index]
        if index not in self._aligning:
            return {}
        spans = self._spans[index]
        content = self._content[index]
        # The Chinese words that overlap [start, end): a run, found by bisection on their ends.
        first = bisect_right(self._span_ends[index], start)
        weights = []
        for span_start, span_end in spans[first:]:
            if span_start >= end:
                break
            weights.append((min(end, span_end) - max(start, span_start)) / (span_end - span_start))
        if not weights:
            return {}
        columns = self._posteriors(index)[:, first + 1:first + 1 + len(weights)]
        mass = (columns @ self._np.array(weights)).tolist()
        return {j: value for j, value in zip(content, mass) if value >= _MIN_REPORTED}

    def chinese_words(self, unit_index: int) -> tuple[tuple[int, int], ...]:
        """The (start, end) characters of each word of the unit's Chinese, punctuation left out."""
        return self._spans[self._canonical[unit_index]]


@lru_cache(maxsize=200_000)
def _gloss_stems(word: str, lookup: Callable[[str], tuple[str, ...]]) -> frozenset[str]:
    """Stems of the content words of every gloss of a word: enough to seed the model."""
    return frozenset(
        stem(token) for gloss in lookup(word) for token in _LETTERS.findall(gloss)
        if token.lower() not in FUNCTION_WORDS
    )
