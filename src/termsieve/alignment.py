"""Word alignment learned from the corpus itself: IBM Model 1 seeded by the dictionary, then an HMM,
weighted by an HMM the other way round.

CC-CEDICT says what a word means, not what these translators wrote for it (城镇: "cities and towns",
rendered "urban"; 稳健: "firm; stable and steady", rendered "prudent"). Model 1 learns, over every
sentence pair of the corpus, how likely each English word is to render each Chinese word. Within one
sentence the Chinese words then compete for its English words: the probability that an English word
renders a given stretch of the Chinese is what the matcher reads (`WordAlignment.aligned`).

The dictionary seeds the model: a pair it links starts `_DICTIONARY_PRIOR` times as likely as any
other, which keeps a small corpus (a short report) from learning chance company. Each English content
word may also be aligned to nothing (a NULL word, at a discount), as translators add words. Counts are
smoothed (Moore 2004), so that a word seen in one sentence does not take that sentence's English
from the words that render it elsewhere.
Expectation-maximization runs over all co-occurring pairs at once, in numpy: about 0.1 s for a report
of 700 sentence pairs.

A word the corpus holds only a few times, and that the dictionary does not know or glosses with no
word of its sentences' English, is aligned as the dictionary words it is made of (一次能源, once in a
report: 一次 + 能源), whose translations the corpus does teach.

Model 1 ignores word order: where a sentence holds a Chinese word twice, it splits the English word
between the copies evenly, however far apart they are. Translations mostly keep the order of
phrases, so an HMM (Vogel et al. 1996) starts from Model 1's translation table and learns how far the
alignment jumps from one English word to the next (within `_MAX_JUMP` words either way; NULL states
after Och and Ney 2003 remember where the alignment was). Its posteriors, mixed with Model 1's
(`_HMM_SHARE`), are what the matcher reads: on the development lists (government work reports,
re-ranker refitted each time, leave one report out) the mix rendered more terms right than Model 1
alone (595 -> 603 of 876 at half and half, 608 at 0.7; the lists cannot tell those two shares apart,
and at 0.7 the bundled example lost a term). The forward-backward passes run over batches of
sentences of about the same length, padded to one array, so that numpy does the work of the loop
over sentences. Posteriors are computed a batch at a time when the matcher first asks for one of
its units.

Model 1 and the HMM align in one direction: each English word picks the Chinese word that renders it.
A Chinese word seen in few sentences then keeps much of whatever English it meets, while a frequent
word spreads its table over many renderings. A reverse Model 1, in which each Chinese word picks the
English word that renders it, is trained on the same sentence pairs, and an HMM run the other way
round over its table (the Chinese words observed in order, the English words the states) gives the
probability that each Chinese word renders each English word. The posteriors the matcher reads are
the forward ones weighted by these to the power `_REVERSE_WEIGHT`, normalised again per English word
(a soft agreement of the two directions, after Liang, Taskar and Klein 2006). In 城市社区卫生服务体系
建设取得重大进展 ("Significant progress was made in developing a system of community-based health
services in urban areas", GR2009), "system" went to 城市 at 0.41 and to 服务体系 at 0.35; weighted
both ways, 0.13 and 0.46 (NULL 0.39). In 落实最低工资制度 ("enforced the minimum wage system", GR2009)
"enforced" went to 工资 at 0.79 and to 落实 at 0.11 with the reverse Model 1, which has no
idea of order; with the reverse HMM 落实 takes 0.68 and 工资 0.26. Against words linked by hand
(benchmarks/dev/word-links.tsv) the right share of the probability rose from 58.5% (forward only)
to 64.1% with the reverse Model 1 (at weight 0.4) and to 70.0% with the reverse HMM (at 0.8); for
renderings no gloss gives, from 38.2% to 41.8% and 48.1%. Units too long for the HMM keep Model 1's
posteriors, unweighted.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

from .cjk import has_cjk
from .english import FUNCTION_WORDS, stem

if TYPE_CHECKING:
    import numpy as np

    from .matching import Unit

_ITERATIONS = 5
# Added to the expected count of every (Chinese word, English word) pair Model 1 re-estimates, as if each
# Chinese word had also been seen with every English word of the corpus this often (Moore 2004). A word
# seen in few sentences otherwise takes much of their English from the words that render it elsewhere:
# in 三是抑制投机性购房 ("Third, rein in speculative housing purchases", GR2010), 投机性 took 0.62 of
# "rein" and 抑制 0.12; smoothed, 0.44 and 0.33, and "rein" no longer joins the term's rendering. It
# does not always suffice: 变革, once in GR2008, still takes "pressed ahead" from 推进, which that
# report renders "promote" far more often. Development lists, leave one report out, re-ranker refitted:
# 606 -> 615 of 876. Settings from 0.001 to 0.005 all gained 10-13 rows in a second harness; 0.0003
# gained 4, 0.01 gained 3, 0.05 lost 2. A report has about 2,000 English words, so 0.002 adds about 4
# to each Chinese word's count.
_RARE_WORD_SMOOTHING = 0.002
# A word seen at most this often, with no gloss of its own, is aligned as its dictionary words: in
# 非化石能源占一次能源消费比重 (GR2011), 一次能源 occurs once and took "reach", "11" and "4" but not
# "energy"; split, 能源 takes "energy". Development lists, leave one report out, re-ranker refitted:
# 615 -> 620 of 876 (hand rules 550 -> 558); 6 and 10 gave 619, 2 gave 614 in a second harness.
# Splitting every rare glossed word as well lost (609 in the second harness); splitting those whose
# glosses no word of their sentences' English matches gained: 621 -> 628 (the same threshold at 2,
# 6 and 8 for both rules gave +3, +1 and +2 in the second harness).
_SPLIT_AT_MOST = 4
_LONGEST_PART = 6
_DICTIONARY_PRIOR = 10.0
# The reverse direction's weight in the posteriors (0: forward only). Development lists, re-ranker
# refitted, leave one report out (TMX / paragraphs) and lists 9-12 not fitted on (TMX / paragraphs):
# forward only 773/750 and 481/456. With a reverse Model 1 (no order): 0.2: 779/760 and 475/455; 0.3:
# 777/753 and 478/454; 0.4: 779/757 and 479/462; 0.6: 772/754 and 478/463; 0.8: 767/754 and 480/462;
# 1: 763/752 and 478/459. With the reverse HMM: 0.4: 772/760 and 478/468; 0.6: 769/756 and 486/475;
# 0.7: 767/755 and 497/481; 0.8: 763/760 and 495/482; 0.9: 764/766 and 496/481; 1: 757/762 and 498/480.
_REVERSE_WEIGHT = 0.8
_REVERSE_NULL_EMISSION = 0.01  # t(Chinese word | no English word) in the reverse HMM; 0.001-0.1 align alike
_MIN_REPORTED = 0.05
_LETTERS = re.compile(r"[A-Za-z]+")
_ALPHANUMERIC = re.compile(r"[^\W_]+")  # digits and letters of any script, ideographs included
_NULL_WEIGHT = 0.2
_MAX_TRAINING_ENTRIES = 3_000_000  # (English, Chinese) word pairs within sentences: ~220 MB to train
_POSTERIOR_CACHE_ENTRIES = 2_000_000  # 16 MB of float64 per process; a report needs about 1.3 million
_MAX_UNIT_ENTRIES = 20_000  # English content words x Chinese words of a unit: 100 x 200 is a long sentence

_HMM_ITERATIONS = 3
_HMM_NULL = 0.1  # probability of moving to (or staying in) the NULL state at each English word
_HMM_SHARE = 0.5  # of the HMM in the posteriors the matcher reads; Model 1 has the rest
_MAX_JUMP = 7  # jumps of more Chinese words than this, either way, share one probability
_JUMP_SMOOTHING = 0.1  # expected count added to every jump, so that no jump becomes impossible
_UNSEEN_EMISSION = 1e-12  # a pair no sentence that trained the model holds (outside the training sample)
# Transitions are a square matrix over a unit's Chinese words (over its English content words in the
# reverse HMM): a longer unit is a paragraph, which the HMM cannot tell much about either, and its
# matrix would be large; it keeps Model 1's posteriors.
_MAX_HMM_WORDS = 500
_BATCH_CELLS = 1 << 18  # English words x units x Chinese words of one padded batch: 2 MB per array
_POSTERIOR_BATCH_UNITS = 64  # computed together when the matcher first asks for one of them
_TINY = 1e-300  # stands in for a zero sum, so that dividing by it gives zero rather than NaN


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
        chinese_words = split_rare_unknown_words(
            chinese_words, lambda index: {word.stem for word in units[index].words}, lookup)
        for index, (unit, words) in enumerate(zip(units, chinese_words)):
            canonical = first_of.setdefault((unit.simplified, unit.target), index)
            self._canonical.append(canonical)
            multiplicity[canonical] += 1
            if canonical == index:
                self._add_unit(index, unit, words)
        self._posterior_cache: dict[int, np.ndarray] = {}
        self._cached_entries = 0
        self._pairs = np.zeros(0, dtype=np.int64)
        self._translation = np.zeros(0)
        self._reverse = np.zeros(0)  # t(Chinese | English) per pair of `_pairs` (see `_train_reverse`)
        # The HMM's parameters: t(English word | Chinese word) per pair of `_pairs`, and the jumps.
        self._emission = np.zeros(0)
        self._jumps = np.zeros(2 * _MAX_JUMP + 1)
        # Each unit the HMM aligns -> the units whose posteriors are computed along with its own.
        self._hmm_batch: dict[int, tuple[int, ...]] = {}
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
            pair_of_entry, translation = self._train(trained, [multiplicity[index] for index in trained], lookup)
            # Model 1's arrays are freed by now: the HMM's, about a third the size, add little to the peak.
            self._train_hmm(trained, pair_of_entry, translation)

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
                    len(self._chinese_ids) + 1 if _ALPHANUMERIC.search(word) else -1
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

    def _pair_keys(self, indices: Sequence[int]) -> np.ndarray:
        """The (Chinese, English) pair of every entry of the units' matrices, unit by unit, row by row."""
        np = self._np
        chinese = np.fromiter(chain.from_iterable(self._ids[index][0] for index in indices), dtype=np.int64)
        english = np.fromiter(chain.from_iterable(self._ids[index][1] for index in indices), dtype=np.int64)
        columns = np.array([len(self._ids[index][0]) for index in indices], dtype=np.int64)
        rows = np.array([len(self._ids[index][1]) for index in indices], dtype=np.int64)
        unit, row, column = _entry_coordinates(rows, columns)
        return ((chinese[(np.cumsum(columns) - columns)[unit] + column]) * max(1, len(self._english_ids))
                + english[(np.cumsum(rows) - rows)[unit] + row])

    def _train(self, trained: list[int], weights: list[int], lookup: Callable[[str], tuple[str, ...]]
               ) -> tuple[np.ndarray, np.ndarray]:
        """Model 1. Returns the pair of each entry of the trained units' matrices and t(English | Chinese)
        per pair, without the NULL discount."""
        np = self._np
        english_count = max(1, len(self._english_ids))
        # One row per English word of a unit, one column per Chinese word (NULL first).
        row_size = np.array([len(self._ids[index][0]) for index in trained for _ in self._content[index]],
                            dtype=np.int64)
        row_weight = np.array([weight for index, weight in zip(trained, weights) for _ in self._content[index]],
                              dtype=np.float64)
        rows = np.repeat(np.arange(len(row_size)), row_size)
        pairs, pair_of_entry = np.unique(self._pair_keys(trained), return_inverse=True)
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
        is_word = pair_chinese != 0  # NULL is not smoothed: its discount already keeps it in check
        entry_weight = row_weight[rows]
        for _ in range(_ITERATIONS):
            values = (translation * discount)[pair_of_entry]
            posterior = values / np.bincount(rows, weights=values)[rows]
            counts = np.bincount(pair_of_entry, weights=posterior * entry_weight, minlength=len(pairs))
            totals = np.bincount(pair_chinese, weights=counts)
            totals[1:] += _RARE_WORD_SMOOTHING * english_count
            counts[is_word] += _RARE_WORD_SMOOTHING
            translation = counts / totals[pair_chinese]
        self._pairs = pairs
        self._translation = translation * discount
        self._reverse = self._train_reverse(trained, pairs, pair_of_entry, entry_weight, is_word,
                                            is_seeded if seeded else None)
        return pair_of_entry, translation

    def _train_reverse(self, trained: list[int], pairs: np.ndarray, pair_of_entry: np.ndarray,
                       entry_weight: np.ndarray, is_word: np.ndarray, is_seeded: np.ndarray | None) -> np.ndarray:
        """Model 1 the other way round: t(Chinese word | English word) per pair of `pairs`, each Chinese
        word of a unit picking one of its English content words. NULL pairs (`is_word` false) get zero."""
        np = self._np
        english_count = max(1, len(self._english_ids))
        # Entries are laid out unit by unit, row by row (English words), a column per Chinese word: the
        # group of an entry is its unit's column, over which the reverse posterior is normalised.
        sizes = np.array([self._entries(index) for index in trained], dtype=np.int64)
        columns = np.array([len(self._ids[index][0]) for index in trained], dtype=np.int64)
        within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        group = np.repeat(np.cumsum(columns) - columns, sizes) + within % np.repeat(columns, sizes)
        pair_english = pairs % english_count
        reverse = np.where(is_word, 1.0, 0.0)
        if is_seeded is not None:
            reverse[is_seeded & is_word] = _DICTIONARY_PRIOR
        for _ in range(_ITERATIONS):
            values = reverse[pair_of_entry]
            sums = np.bincount(group, weights=values, minlength=int(columns.sum()))
            counts = np.bincount(pair_of_entry, weights=values / np.maximum(sums[group], _TINY) * entry_weight,
                                 minlength=len(pairs))
            # Smoothed as the forward model is (Moore 2004), for English words seen in few sentences.
            totals = np.bincount(pair_english, weights=counts, minlength=english_count)
            counts[is_word] += _RARE_WORD_SMOOTHING
            totals += _RARE_WORD_SMOOTHING * max(1, len(self._chinese_ids))
            reverse = np.where(is_word, counts / np.maximum(totals[pair_english], _TINY), 0.0)
        return reverse

    def _train_hmm(self, trained: list[int], pair_of_entry: np.ndarray, translation: np.ndarray) -> None:
        """Expectation-maximization of the HMM's emissions and jumps over the units Model 1 trained on.

        Emissions start from Model 1's translation table. NULL takes no discount here: `_HMM_NULL`, the
        probability of the NULL state, plays that part. Unlike in Model 1, a repeated sentence pair counts
        once: the settings were measured so.
        """
        np = self._np
        offsets = dict(zip(trained, np.cumsum([0, *map(self._entries, trained)]).tolist()))
        batches = self._batches([index for index in trained if self._fits_hmm(index)])
        if not batches:
            return
        layouts = [self._layout(batch) for batch in batches]
        # The pair of each entry, batch by batch: a run of `pair_of_entry` per unit.
        sizes = np.array([self._entries(index) for batch in batches for index in batch])
        starts = np.array([offsets[index] for batch in batches for index in batch])
        places = pair_of_entry[np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())]
        del pair_of_entry, sizes, starts
        ends = np.cumsum([len(layout.cells) for layout in layouts]).tolist()
        spans = list(zip([0, *ends], ends))
        pair_chinese = self._pairs // max(1, len(self._english_ids))
        # Updated in place (Model 1 is done with it): a new table of this size, allocated amid the
        # training's temporary arrays, would keep the memory they leave from going back to the system.
        emission = translation
        jumps = _initial_jumps()
        weights = np.empty(len(places))
        for _ in range(_HMM_ITERATIONS):
            jump_counts = np.zeros(len(jumps))
            for layout, (start, end) in zip(layouts, spans):
                posteriors, counted = _forward_backward(layout.fill(emission[places[start:end]]), layout, jumps,
                                                        count_jumps=True)
                np.take(posteriors.ravel(), layout.cells, out=weights[start:end])
                jump_counts += counted
            counts = np.bincount(places, weights=weights, minlength=len(self._pairs))
            totals = np.bincount(pair_chinese, weights=counts)
            np.divide(counts, np.maximum(totals[pair_chinese], _TINY), out=emission)
            jumps = (jump_counts + _JUMP_SMOOTHING) / (jump_counts + _JUMP_SMOOTHING).sum()
        self._emission = emission
        self._jumps = jumps
        # Every unit that aligns, trained on or not, is answered for from what the training learned.
        aligning = [index for index in self._ids if index in self._aligning]
        for batch in self._batches([index for index in aligning if self._fits_hmm(index)],
                                   _POSTERIOR_BATCH_UNITS):
            members = tuple(batch)
            self._hmm_batch.update(dict.fromkeys(members, members))

    def _fits_hmm(self, index: int) -> bool:
        """Are both sides short enough for the HMMs? Their transitions are square in the states: the
        Chinese words one way, the English content words the other (6,000 English words against
        one Chinese word took 900 MB)."""
        return len(self._spans[index]) <= _MAX_HMM_WORDS and len(self._content[index]) <= _MAX_HMM_WORDS

    def _batches(self, indices: Sequence[int], max_units: int | None = None) -> list[list[int]]:
        """Groups of units with about as many Chinese words, so that padding each to its group's widest
        costs little; within a group, the units with most English words come first (see `_Layout`)."""
        batches: list[list[int]] = []
        widest = rows = 0
        for index in sorted(indices, key=lambda index: len(self._spans[index])):
            words, english = len(self._spans[index]), len(self._content[index])
            batch = batches[-1] if batches else []
            if (not batch or words > widest or (max_units and len(batch) >= max_units)
                    or (len(batch) + 1) * max(rows, english) * (words + 1) > _BATCH_CELLS):
                # Padding every unit to the widest costs (widest / words)^2 in the transitions.
                batch = []
                batches.append(batch)
                widest, rows = words + words // 4 + 2, 0
            batch.append(index)
            rows = max(rows, english)
        return [sorted(batch, key=lambda index: -len(self._content[index])) for batch in batches]

    def _layout(self, batch: Sequence[int]) -> _Layout:
        np = self._np
        return _Layout(np.array([len(self._content[index]) for index in batch]),
                       np.array([len(self._spans[index]) for index in batch]))

    def _mixed_posteriors(self, batch: tuple[int, ...]) -> list[np.ndarray]:
        """The posteriors of each unit of the batch, the HMM's and Model 1's mixed."""
        np = self._np
        layout = self._layout(batch)
        place, found = self._find_pairs(self._pair_keys(batch))
        hmm, _ = _forward_backward(layout.fill(np.where(found, self._emission[place], _UNSEEN_EMISSION)),
                                   layout, self._jumps, count_jumps=False)
        model1 = _rows_normalised(layout.fill(np.where(found, self._translation[place], 0.0)))
        mixed = _HMM_SHARE * hmm + (1 - _HMM_SHARE) * model1
        if _REVERSE_WEIGHT and len(self._reverse):
            # How likely each Chinese word is to render each English word of its unit, as the reverse
            # HMM tells; NULL, which picks nothing, counts as if it picked every word alike.
            reverse = _reverse_posteriors(layout.fill(np.where(found, self._reverse[place], 0.0)), layout)
            reverse[:, :, 0] = (1.0 / np.maximum(layout.english, 1))[None, :]
            mixed *= reverse ** _REVERSE_WEIGHT
            mixed /= np.maximum(mixed.sum(axis=2, keepdims=True), _TINY)
        # Copies: a view would keep the whole padded array alive in the cache.
        return [mixed[:rows, unit, :words + 1].copy()
                for unit, (rows, words) in enumerate(zip(layout.english.tolist(), layout.chinese.tolist()))]

    def _posteriors(self, index: int) -> np.ndarray:
        """The unit's matrix: one row per English content word, one column per Chinese word (NULL first)."""
        cached = self._posterior_cache.get(index)
        if cached is not None:
            return cached
        batch = self._hmm_batch.get(index)
        if batch is None:  # too long for the HMMs (see `_fits_hmm`), or no unit trained the models
            np = self._np
            chinese, english = self._ids[index]
            values = np.zeros((len(english), len(chinese)))
            if len(self._pairs):
                place, found = self._find_pairs(self._pair_keys([index]))
                values = np.where(found, self._translation[place], 0.0).reshape(values.shape)
            return self._keep(index, _rows_normalised(values))
        # A batch costs little more than one of its units, and the matcher asks for most units.
        for unit, posteriors in zip(batch, self._mixed_posteriors(batch)):
            self._keep(unit, posteriors)
            if unit == index:
                cached = posteriors
        assert cached is not None
        return cached

    def _find_pairs(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each (Chinese, English) key is in `_pairs`, and whether it is there at all."""
        np = self._np
        place = np.minimum(np.searchsorted(self._pairs, keys), len(self._pairs) - 1)
        return place, self._pairs[place] == keys

    def _keep(self, index: int, posteriors: np.ndarray) -> np.ndarray:
        self._cached_entries += posteriors.size
        if self._cached_entries > _POSTERIOR_CACHE_ENTRIES:
            self._posterior_cache.clear()  # bounds memory: a paragraph-long unit alone can be 10^5
            self._cached_entries = posteriors.size
        self._posterior_cache[index] = posteriors
        return posteriors

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

    def posteriors(self, unit_index: int
                   ) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...], list[list[float]]] | None:
        """The whole posterior table of a unit, for measuring the alignment (benchmarks/align_words.py):
        its English content words (indices into the unit's words), its Chinese words ((start, end)
        characters), and per English word the probability of each Chinese word, NULL first. None for a
        unit the alignment leaves out (a paragraph kept whole, no content words)."""
        index = self._canonical[unit_index]
        if index not in self._aligning:
            return None
        return self._content[index], self._spans[index], self._posteriors(index).tolist()

    def chinese_words(self, unit_index: int) -> tuple[tuple[int, int], ...]:
        """The (start, end) characters of each word of the unit's Chinese, punctuation left out."""
        return self._spans[self._canonical[unit_index]]


def split_rare_unknown_words(chinese_words: Sequence[Sequence[str]], english_stems: Callable[[int], Collection[str]],
                             lookup: Callable[[str], tuple[str, ...]]) -> list[Sequence[str]]:
    """Each unit's words, with every word that says nothing to the alignment replaced by the fewest
    dictionary words that spell it (where some do).

    A word says nothing when it is seen at most `_SPLIT_AT_MOST` times in all units and the dictionary
    either lacks it or glosses it with no word of the English of any unit that holds it (基调,
    "keynote", where the translators wrote "guideline"). `english_stems(i)` is the set of
    stems of unit i's English words. Among splits into as many parts, the one whose parts the corpus
    holds most often wins.
    """
    counts = Counter(chain.from_iterable(chinese_words))
    rare = {word for word, count in counts.items() if count <= _SPLIT_AT_MOST and len(word) > 1 and has_cjk(word)}
    english_with: dict[str, set[str]] = {}  # a rare glossed word -> the English stems of its units
    for index, words in enumerate(chinese_words):
        glossed = [word for word in words if word in rare and lookup(word)]
        if glossed:
            stems = english_stems(index)  # built once per unit, however many such words it holds
            for word in glossed:
                english_with.setdefault(word, set()).update(stems)
    opaque = {word for word in rare
              if word not in english_with or _gloss_stems(word, lookup).isdisjoint(english_with[word])}
    parts_of: dict[str, tuple[str, ...]] = {}

    def parts(word: str) -> tuple[str, ...]:
        # best[i]: the best split of word[:i], as (number of parts, minus the sum of log(1 + count) of
        # the parts, the parts): min() prefers fewer parts, then commoner ones.
        best: dict[int, tuple[int, float, tuple[str, ...]]] = {0: (0, 0.0, ())}
        for end in range(1, len(word) + 1):
            options = [
                (best[start][0] + 1, best[start][1] - math.log1p(counts[word[start:end]]),
                 (*best[start][2], word[start:end]))
                for start in range(max(0, end - _LONGEST_PART), end)
                if start in best and end - start < len(word) and word[start:end] not in opaque
                and lookup(word[start:end])
            ]
            if options:
                best[end] = min(options)
        return best[len(word)][2] if len(word) in best else (word,)

    result: list[Sequence[str]] = []
    for words in chinese_words:
        if opaque.isdisjoint(words):
            result.append(words)
            continue
        split: list[str] = []
        for word in words:
            if word in opaque:
                if word not in parts_of:
                    parts_of[word] = parts(word)
                split.extend(parts_of[word])
            else:
                split.append(word)
        result.append(split)
    return result


@lru_cache(maxsize=200_000)
def _gloss_stems(word: str, lookup: Callable[[str], tuple[str, ...]]) -> frozenset[str]:
    """Stems of the content words of every gloss of a word: enough to seed the model.

    A number or a Latin token (11.4%, 5G, 2012) glosses itself, as the English splits it ("11", "4"):
    left out, the English numbers of a sentence went to its rarest Chinese words (一次 took "11" and
    "4" of 11.4%), and those words' alignment to their own renderings suffered.
    """
    stems = {stem(token) for gloss in lookup(word) for token in _LETTERS.findall(gloss)
             if token.lower() not in FUNCTION_WORDS}
    if not has_cjk(word):
        stems.update(stem(token) for token in _ALPHANUMERIC.findall(word))
    return frozenset(stems)


def _rows_normalised(values: np.ndarray) -> np.ndarray:
    """Each English word's row (the last axis) scaled to sum to one; a row of zeros stays zeros."""
    import numpy as np

    totals = values.sum(axis=-1, keepdims=True)
    return values / np.where(totals > 0, totals, 1.0)


def _entry_coordinates(rows: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit, row and column of every entry of the units' matrices (`rows` x `columns`), row by row."""
    import numpy as np

    sizes = rows * columns
    unit = np.repeat(np.arange(len(sizes)), sizes)
    row, column = np.divmod(np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes), columns[unit])
    return unit, row, column


class _Layout:
    """Where the entries of a batch of units go in one zero-padded array.

    Axis 0 is the English word, axis 1 the unit, axis 2 the Chinese word (NULL first). The units come
    longest English first, so those still running at any English word are a prefix of axis 1.
    """

    def __init__(self, english: np.ndarray, chinese: np.ndarray):
        import numpy as np

        self.english = english  # English content words of each unit, descending
        self.chinese = chinese  # Chinese words of each unit
        units = len(english)
        self.shape = (int(english[0]), units, int(chinese.max()) + 1)
        rows, _, width = self.shape
        # Each unit's matrix, row by row, as `WordAlignment._pair_keys` lists its entries.
        unit, row, column = _entry_coordinates(english, chinese + 1)
        self.cells = (row * units + unit) * width + column
        self.running = (units - np.cumsum(np.bincount(english, minlength=rows + 1)))[:rows].tolist()
        words = np.arange(width - 1)
        self.jump = np.clip(words[None, :] - words[:, None], -_MAX_JUMP, _MAX_JUMP) + _MAX_JUMP

    def fill(self, values: np.ndarray) -> np.ndarray:
        import numpy as np

        padded = np.zeros(self.shape)
        padded.ravel()[self.cells] = values
        return padded


def _initial_jumps() -> np.ndarray:
    """Unnormalised jump probabilities from -`_MAX_JUMP` to `_MAX_JUMP` words: a jump of one is likeliest."""
    import numpy as np

    return np.exp(-0.5 * np.abs(np.arange(-_MAX_JUMP, _MAX_JUMP + 1) - 1.0))


def _reverse_posteriors(table: np.ndarray, layout: _Layout) -> np.ndarray:
    """P(Chinese word i renders English word j) for a batch, from an HMM run the other way round.

    `table[j, u, i]` is the reverse Model 1's t(Chinese word i | English word j) in unit u, laid out
    as `layout` lays out the forward direction. The Chinese words are the HMM's observations and the
    English words its states, with `_REVERSE_NULL_EMISSION` for a Chinese word rendering none; the
    jumps keep their initial shape (learning them, or the emissions, measured worse). Returns the
    posteriors in the forward layout, the NULL column zero.
    """
    import numpy as np

    order = np.argsort(-layout.chinese, kind="stable")  # `_Layout` wants the most observations first
    turned = _Layout(layout.chinese[order], layout.english[order])
    emission = np.empty(turned.shape)
    emission[:, :, 0] = _REVERSE_NULL_EMISSION
    emission[:, :, 1:] = table[:, order, 1:].transpose(2, 1, 0)
    posteriors, _ = _forward_backward(emission, turned, _initial_jumps(), count_jumps=False)
    reverse = np.zeros(table.shape)
    reverse[:, :, 1:] = posteriors[:, np.argsort(order), 1:].transpose(2, 1, 0)
    return reverse


def _forward_backward(emission: np.ndarray, layout: _Layout, jumps: np.ndarray, count_jumps: bool
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Posteriors of the HMM's states for a batch of units, and the expected count of each jump.

    `emission[j, u, i]` is t(English word j | Chinese word i) in unit u, NULL at i = 0, zero where
    padded. The states are the Chinese words and, for each, a NULL state that remembers it: from
    either, the next English word goes to word i' with probability (1 - `_HMM_NULL`) x jumps[i' - i]
    (normalised over the unit's words) or to the NULL state of i with `_HMM_NULL`. Both states of a
    word thus lead on alike: the backward pass needs one value per word, and a step of either pass
    is one matrix product for the whole batch. Each English word's forward probabilities are scaled
    to sum to one, as a sentence's product of probabilities would underflow.
    """
    import numpy as np

    rows, units, width = emission.shape
    words = width - 1
    moves = jumps[layout.jump]
    chinese = layout.chinese
    inside = np.arange(words) < chinese[:, None]
    # Row r of each unit's transitions, normalised over its own words only: (1 - NULL) / sum.
    leave = np.where(inside, (1 - _HMM_NULL) / np.cumsum(moves, axis=1)[:, chinese - 1].T, 0.0)
    real = emission[:, :, 1:]
    to_null = _HMM_NULL * emission[:, :, 0]
    # Forward probabilities: the words' states in [:words], their NULL states in [words:].
    alpha = np.zeros((rows, units, 2 * words))
    alpha[0, :, :words] = ((1 - _HMM_NULL) / chinese)[:, None] * real[0]
    alpha[0, :, words:] = np.where(inside, (to_null[0] / chinese)[:, None], 0.0)
    scale = np.ones((rows, units))
    for j in range(rows):
        n = layout.running[j]
        now = alpha[j, :n]
        if j:
            before = alpha[j - 1, :n, :words] + alpha[j - 1, :n, words:]
            np.matmul(before * leave[:n], moves, out=now[:, :words])
            now[:, :words] *= real[j, :n]
            np.multiply(before, to_null[j, :n, None], out=now[:, words:])
        total = now.sum(axis=1)
        total[total == 0] = _TINY
        scale[j, :n] = total
        now /= total[:, None]
    # Backward probabilities, one at each unit's last English word (and in padding).
    beta = np.ones((rows, units, words))
    # What the next English word contributes: its emission x beta / scale, for the jump counts too.
    ahead = np.zeros((rows - 1, units, words))
    real_ahead = real[1:] / scale[1:, :, None]
    null_ahead = to_null[1:] / scale[1:]
    for j in range(rows - 2, -1, -1):
        n = layout.running[j + 1]
        following = ahead[j, :n]
        np.multiply(real_ahead[j, :n], beta[j + 1, :n], out=following)
        step = following @ moves.T
        step *= leave[:n]
        step += null_ahead[j, :n, None] * beta[j + 1, :n]
        beta[j, :n] = step
    gamma = alpha.reshape(rows, units, 2, words) * beta[:, :, None, :]
    gamma_null = gamma[:, :, 1].sum(axis=2)
    norm = np.maximum(gamma[:, :, 0].sum(axis=2) + gamma_null, _TINY)
    posteriors = np.empty(emission.shape)
    posteriors[:, :, 0] = gamma_null / norm
    np.divide(gamma[:, :, 0], norm[:, :, None], out=posteriors[:, :, 1:])
    jump_counts = np.zeros(len(jumps))
    if count_jumps and rows > 1:
        # Expected transitions r -> i', summed over English words and units at once: one product.
        before = ((alpha[:-1, :, :words] + alpha[:-1, :, words:]) * leave).reshape(-1, words)
        flows = before.T @ ahead.reshape(-1, words)
        jump_counts = np.bincount(layout.jump.ravel(), weights=(flows * moves).ravel(), minlength=len(jumps))
    return posteriors, jump_counts
