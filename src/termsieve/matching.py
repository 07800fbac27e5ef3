"""English equivalents: score the English spans of a term's aligned sentences and pick the best.

Signals, combined per span and then across every occurrence of the term:

* dictionary evidence: CC-CEDICT glosses of the whole term, of its words and, as a fallback for words
  the dictionary lacks, of its characters, matched to the span's words by stem and by fuzzy ratio
  (rapidfuzz), so that industry ~ industrial, cluster ~ clusters, high-end ~ high end;
* a length prior: Chinese characters no gloss explains may be rendered by as many English words as
  half their number, no more;
* co-occurrence: for a term that recurs, the Dice coefficient between its units and the units whose
  English holds the span;
* the corpus's own word alignment (termsieve.alignment): English words it gives the term with a
  probability of at least 0.8 render the parts of the term no gloss found in the sentence;
* competitive linking: two terms whose Chinese does not overlap may not claim the same English words
  in one sentence; the stronger term keeps them.

The hand score lies in [0, 1]: 1 for a span that is exactly a whole-term gloss or is explained word
for word. A learned re-ranker (termsieve.rerank) then orders a term's best eight candidates; the
score reported is the mean of the hand score and the model's probability.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

from mypy_extensions import mypyc_attr
from rapidfuzz import fuzz

from .alignment import WordAlignment
from .english import (
    CLAUSE_WORDS,
    FUNCTION_WORDS,
    HARD_BREAKS,
    QUOTES,
    Word,
    compound_heads,
    gloss_stems,
    gloss_variants,
    proper_name_variants,
    stem,
)
from .phrases import FINITE_VERB_TAGS, Phrases, load_tagger, phrases
from .rerank import Reranker, blended_score, default_reranker

TOP_SPANS_PER_OCCURRENCE = 8
_FUZZY_CUTOFF = 85.0
_OVERLAP_PENALTY = 0.75
_MIN_CLAIM_SCORE = 0.8
_CHARACTER_FALLBACK_WEIGHT = 0.7
_FILL_CREDIT = 0.6
_FUNCTION_WORD_COST = 0.25
_MIN_ASSOCIATION_UNITS = 3
_MIN_ASSOCIATION_DICE = 0.5
_ASSOCIATION_WEIGHT = 0.8
_ASSOCIATION_TIE = 0.8
_MAX_EXTENSION_WORDS = 2
_EXTENSION_MIN_SHARE = 0.8
_EXTENSION_MIN_VALUE = 0.6
_RUNNER_UP_CREDIT = 0.5
_NESTED_RUNNER_UP_CREDIT = 0.1
_CUT_SHORT_PENALTY = 0.85
_MAX_TRAILING_WORDS = 4
_MAX_LEADING_FILL = 1
_NOUN_HEAD_MIN_SHARE = 0.85
_COOCCURRENCE_MAX_WORDS = 6
_COOCCURRENCE_MAX_OCCURRENCES = 10  # enough to find what recurs; Dice still counts every sentence
_COOCCURRENCE_MIN_DICE = 0.7
_COOCCURRENCE_TAKES_OVER_BELOW = 0.45
_COOCCURRENCE_SCORE_FACTOR = 0.7  # such renderings are right about half the time
_POSITION_WEIGHT = 0.05
# The corpus's word alignment must be this sure that an English word renders the term before it stands
# in for a gloss (村民自治, "self-governance by villagers": 自治's gloss "autonomy" is not in the
# sentence; "self" is aligned to the term at 0.61). 0.8 was set for Model 1 alone; smoothing and the
# HMM have since made posteriors less peaked. Development lists, leave one report out, re-ranker
# refitted: 628 (0.8) -> 639 of 876 (0.6; hand rules 559 -> 566, a right candidate listed for 707 -> 731
# terms); 0.4, 0.5, 0.55, 0.625, 0.65, 0.7 and 0.9 gave 618, 625, 631, 633, 634, 634 and 607.
_MIN_ALIGNED = 0.6
# Spans the word alignment offers (Matcher._add_aligned_spans). Leave one report out on the five
# development lists: 768 -> 777 of 1,056. Growing only over words aligned at 0.1, 0.2 or 0.3 gave
# 773, 769 and 764; one function word between aligned words instead of two, 770 (three: 776); a
# hand value of 0.3 or 0.8 of the mean alignment, 770 and 777; no more than 8 or 12 words, 770 and 775.
_ALIGNED_SPAN_SHARE = 0.5
_ALIGNED_SPAN_GAP = 3  # at most two function words between two aligned words
_MODIFIER_MIN_SENTENCES = 2
_MODIFIER_MIN_SHARE = 0.75
_MODIFIER_MIN_ALIGNED = 0.35  # mean over the sentences: a modifier that renders a word beside the term gets little
_HIT_CACHE_ENTRIES = 200_000
# Spans are asked again for the same term's other occurrences in identical sentence pairs, seldom
# across terms: a bounded memo keeps those hits without holding every span of a large corpus.
_SPAN_CACHE_ENTRIES = 10_000
_SPAN_TEXT_CACHE_ENTRIES = 20_000  # recent spans are the ones asked again; 150,000 held 27 MB on nine reports
_TRUSTED_HAND_SCORE = 0.9  # hand-ranked bests scoring this much were right 97% of the time
_ALIGNED_CACHE_ENTRIES = 10_000
_CLAIM_MIN_VALUE = 0.5  # a gloss hit this good says whose rendering an English word is
_FEATURE_SPANS = 10  # spans per candidate the re-ranker's features are averaged over
_GUESS_NEIGHBOUR_SHARE = 0.5  # a word beside the alignment's favourite joins its guess when aligned half as much
_GUESS_SCORE = 0.3  # such guesses were right about a quarter of the time
_GUESS_OCCURRENCES = 10  # occurrences of a term that vote on the alignment's guess
_EQUIVALENTS_KEPT = 4  # a term's best English and three alternatives
_RERANKED_CANDIDATES = 8  # the re-ranker's choice: the hand ranking's best eight distinct renderings
_SPACES = re.compile(r"\s+")
_HAS_QUOTE = re.compile("[" + "".join(sorted(QUOTES)) + "]")
_DROP_QUOTES = str.maketrans(dict.fromkeys(QUOTES))
_ADJECTIVE_ENDING = re.compile(r"(?:[^aeiou]ic|[^e]al|ive|ous|ary|ful|less|able|ible|ban|ern)$")


_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


class _BoundedMemo(dict[_Key, _Value], Generic[_Key, _Value]):
    """A memo that forgets everything once it holds `limit` entries: memory stays bounded on large
    corpora, and its entries are cheap to rebuild."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def keep(self, key: _Key, value: _Value) -> _Value:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


# The classes built by the ten thousand per report (dictionary components, occurrences, spans,
# candidates, equivalents, matches) write their own __init__. mypyc compiles it to native code, where
# the one @dataclass generates runs interpreted, and for a frozen class sets each field through
# object.__setattr__: spans and first choices took about 7% less time. So they are not frozen; nothing
# assigns to their fields after construction but Candidate.features.
@dataclass
class _Component:
    chars: int  # weight: how much of the term it stands for
    weight: float  # 1 for a dictionary word, less for a character standing in for an unknown word
    glosses: tuple[tuple[str, ...], ...]  # stems of each gloss
    gloss_weights: tuple[float, ...]  # per gloss; empty means `weight` for all
    text: str  # the Chinese it stands for
    # The usual dataclass hash, computed once: components key the gloss-hit cache, and hashing their
    # nested gloss tuples anew at every lookup cost more than the lookup.
    _hash: int = field(repr=False, compare=False)

    def __init__(self, chars: int, weight: float, glosses: tuple[tuple[str, ...], ...],
                 gloss_weights: tuple[float, ...] = (), text: str = "") -> None:  # see the note above
        self.chars = chars
        self.weight = weight
        self.glosses = glosses
        self.gloss_weights = gloss_weights
        self.text = text
        self._hash = hash((chars, weight, glosses, gloss_weights, text))

    def __hash__(self) -> int:
        return self._hash


def _kept(memo: dict[_Key, _Value], key: _Key, value: _Value) -> _Value:
    """`value`, remembered in `memo` under `key`."""
    memo[key] = value
    return value


_MAX_GLOSSES = 24
_SYMBOL_GLOSSES = {"+": "plus", "＋": "plus"}


def _glosses_of(word: str, lookup: Callable[[str], tuple[str, ...]],
                known_stem: Callable[[str], bool] = lambda stem: False) -> tuple[tuple[str, ...], ...]:
    if word in _SYMBOL_GLOSSES:
        return ((_SYMBOL_GLOSSES[word],),)
    if word.isascii() and word.isalnum():
        return ((stem(word),),)  # Latin tokens inside Chinese (5G, AI) render themselves
    glosses = lookup(word)
    if len(word) > 1 and glosses and all(gloss[:1].isupper() for gloss in glosses):
        # Only proper nouns. A name the translation uses somewhere (上海: Shanghai, 世博会: World
        # Expo) renders the word; otherwise the name is another place's (新城: Hsincheng township)
        # and the word, as a common word, is not in the dictionary.
        names = {variant for gloss in glosses for variant in proper_name_variants(gloss)
                 if all(map(known_stem, variant))}
        return tuple(sorted(names))[:_MAX_GLOSSES]
    variants: list[tuple[str, ...]] = []
    for gloss in glosses:
        for variant in gloss_variants(gloss):
            if variant not in variants:
                variants.append(variant)
    return tuple(variants[:_MAX_GLOSSES])


@lru_cache(maxsize=262_144)  # bounded: on a large corpus an unbounded cache held 180 MB
def _similarity(gloss_stem: str, word_stem: str) -> float:
    if gloss_stem == word_stem:
        return 1.0
    shorter, longer = (gloss_stem, word_stem) if len(gloss_stem) <= len(word_stem) else (word_stem, gloss_stem)
    if (len(shorter) >= 3 or shorter.isdigit()) and longer.startswith(shorter):
        return 0.85  # industri ~ industrial, 21 ~ 21st
    if min(len(gloss_stem), len(word_stem)) >= 6:  # short words are too close by chance (plan ~ plain)
        ratio = fuzz.ratio(gloss_stem, word_stem)
        if ratio >= _FUZZY_CUTOFF:
            return ratio / 100 * 0.9
    if len(shorter) >= _MIN_PREFIXED_BASE:
        base = _unprefixed(longer)
        if base is not None and base.startswith(shorter):
            return 0.85  # lever ~ deleverage, capacity ~ overcapacity
    return 0.0


# Prefixes that make new words of whole ones; short, ambiguous ones (re-, in-, un-) are left out.
_WORD_PREFIXES = ("counter", "under", "inter", "multi", "super", "cross", "over", "anti", "non", "sub", "de")
_MIN_PREFIXED_BASE = 5


def _unprefixed(word_stem: str) -> str | None:
    for prefix in _WORD_PREFIXES:
        if word_stem.startswith(prefix) and len(word_stem) - len(prefix) >= _MIN_PREFIXED_BASE:
            return word_stem[len(prefix):]
    return None


@dataclass(frozen=True)
class Unit:
    """One aligned sentence pair as the matcher sees it."""

    simplified: str
    target: str
    words: tuple[Word, ...]
    stem_line: str  # " stem stem | stem " for substring search of stem sequences
    positions: dict[str, tuple[int, ...]]  # content-word stem -> word indices
    first_word: int = 0  # index of the first alphanumeric word (after any opening quotes)
    compound_heads: tuple[int, ...] = ()  # per word: index of the first word of its hyphenated compound


@dataclass(unsafe_hash=True)
class TermOccurrence:
    unit: int
    start: int
    end: int

    def __init__(self, unit: int, start: int, end: int) -> None:  # see above _Component
        self.unit = unit
        self.start = start
        self.end = end


# What a word of a unit is to the span scorer, in the order the scorer tests it.
_BREAK, _QUOTE, _FUNCTION, _CONTENT = range(4)


@dataclass(frozen=True, slots=True)
class _SpanWords:
    """Per word of a unit, what the span scorer asks of it, worked out once per unit instead of once
    per span start (a word is visited by every span that runs over it)."""

    kind: tuple[int, ...]  # _BREAK (a hard break), _QUOTE, _FUNCTION (other non-content), _CONTENT
    clause: tuple[int, ...]  # hard breaks before the word: no span reaches across one
    stem: tuple[str | None, ...]  # the stem of an alphanumeric word, else None
    function_cost: tuple[int, ...]  # what a _FUNCTION word adds to function_inside (a comma: 2)
    opens_clause: tuple[bool, ...]  # a function word that opens a clause (and, will, a comma)
    joined: tuple[bool, ...]  # joined to the previous word by a hyphen
    compound_continues: tuple[bool, ...]  # the next word is joined to this one
    cut_short: tuple[bool, ...]  # ends like an adjective and a content word follows
    end: tuple[int, ...]  # end character in the English


def _span_words(words: Sequence[Word]) -> _SpanWords:
    count = len(words)
    kinds = []
    for word in words:
        if word.text in HARD_BREAKS:
            kinds.append(_BREAK)
        elif word.text in QUOTES:
            kinds.append(_QUOTE)
        else:
            kinds.append(_CONTENT if word.is_content else _FUNCTION)
    clauses = []
    clause = 0
    for kind in kinds:
        clause += kind == _BREAK
        clauses.append(clause)
    return _SpanWords(
        kind=tuple(kinds),
        clause=tuple(clauses),
        stem=tuple(word.stem if word.text[0].isalnum() else None for word in words),
        function_cost=tuple(1 if word.text[0].isalnum() else 2 if word.text == "," else 0 for word in words),
        opens_clause=tuple(word.text.lower() in CLAUSE_WORDS for word in words),
        joined=tuple(word.joined_to_previous for word in words),
        compound_continues=tuple(j + 1 < count and words[j + 1].joined_to_previous for j in range(count)),
        cut_short=tuple(j + 1 < count and words[j + 1].is_content and _ends_like_adjective(words[j].text)
                        for j in range(count)),
        end=tuple(word.end for word in words),
    )


@dataclass(unsafe_hash=True, slots=True)
class SpanScore:
    key: tuple[str, ...]
    unit: int
    first: int  # word indices, inclusive / exclusive
    last: int
    score: float
    explained: tuple[int, ...]  # every word of the sentence the term's glosses explain

    def __init__(self, key: tuple[str, ...], unit: int, first: int, last: int, score: float,
                 explained: tuple[int, ...] = ()) -> None:  # see above _Component
        self.key = key
        self.unit = unit
        self.first = first
        self.last = last
        self.score = score
        self.explained = explained

    @property
    def claimed(self) -> list[int]:
        """The explained words inside the span: what the term claims when terms are linked."""
        return [word for word in self.explained if self.first <= word < self.last]


def astuple_span(span: SpanScore) -> tuple:
    """The span's fields in order, so that SpanScore(*astuple_span(span)) == span."""
    return (span.key, span.unit, span.first, span.last, span.score, span.explained)


@dataclass(unsafe_hash=True)
class Equivalent:
    target: str
    score: float
    key: tuple[str, ...]

    def __init__(self, target: str, score: float, key: tuple[str, ...]) -> None:  # see above _Component
        self.target = target
        self.score = score
        self.key = key


@dataclass
class Candidate:
    """One English rendering of a term before the final ranking: its text, content key and hand score."""

    text: str
    key: tuple[str, ...]
    value: float
    features: tuple[float, ...]

    def __init__(self, text: str, key: tuple[str, ...], value: float, features: tuple[float, ...] = ()
                 ) -> None:  # see above _Component
        self.text = text
        self.key = key
        self.value = value
        self.features = features


@dataclass
class TermMatch:
    best: Equivalent | None
    alternatives: tuple[Equivalent, ...]
    spans: dict[int, tuple[int, int]]  # occurrence index -> (start char, end char) of the chosen span

    def __init__(self, best: Equivalent | None, alternatives: tuple[Equivalent, ...],
                 spans: dict[int, tuple[int, int]]) -> None:  # see above _Component
        self.best = best
        self.alternatives = alternatives
        self.spans = spans

    @classmethod
    def of(cls, fields: tuple) -> TermMatch:
        """The inverse of astuple_match."""
        best, alternatives, spans = fields
        return cls(Equivalent(*best) if best else None, tuple(Equivalent(*item) for item in alternatives), spans)


def astuple_match(match: TermMatch) -> tuple:
    """A TermMatch as plain tuples and dicts (marshal-able); TermMatch.of turns it back."""
    def fields(equivalent: Equivalent) -> tuple:
        return (equivalent.target, equivalent.score, equivalent.key)

    return (fields(match.best) if match.best else None, tuple(map(fields, match.alternatives)), match.spans)


def make_unit(simplified: str, target: str, words: Sequence[Word]) -> Unit:
    parts = [word.stem if word.text[0].isalnum() else "|" for word in words]
    positions: dict[str, list[int]] = defaultdict(list)
    for index, word in enumerate(words):
        if word.is_content:
            positions[word.stem].append(index)
    first_word = next((index for index, word in enumerate(words) if word.text[0].isalnum()), 0)
    return Unit(simplified, target, tuple(words), " " + " ".join(parts) + " ",
                {stem: tuple(indices) for stem, indices in positions.items()}, first_word, compound_heads(words))


# Subclasses record or reorder candidates (benchmarks/train_reranker.py, the tests).
@mypyc_attr(allow_interpreted_subclasses=True)
class Matcher:
    def __init__(self, units: Sequence[Unit], lookup: Callable[[str], tuple[str, ...]],
                 alignment: WordAlignment | None = None, verbs: frozenset[str] | None = None,
                 reranker: Reranker | None = None, rerank: bool = True):
        """`verbs`: English words that are verbs (lower case); by default, the dictionary's.

        `reranker` orders each term's candidates (termsieve.rerank; by default the shipped model);
        with `rerank=False` the hand ranking stands.
        """
        self.units = units
        self._reranker = (reranker or default_reranker()) if rerank else None
        if self._reranker is not None:
            load_tagger()  # its phrase features need the tagger
        self._alignment = alignment
        self._lookup = lookup
        if verbs is None:
            from .dictionary import english_verbs

            verbs = english_verbs()
        self._verbs = verbs
        self._hit_cache: _BoundedMemo[tuple[int, _Component], tuple[tuple[int, int, int, float], ...]] = (
            _BoundedMemo(_HIT_CACHE_ENTRIES))
        self._containing_cache: dict[tuple[str, ...], frozenset[int]] = {}
        self._opening_cache: _BoundedMemo[int, dict[str, list[str]]] = _BoundedMemo(_HIT_CACHE_ENTRIES)
        # Identical sentence pairs (common in translation memories) are scored once.
        self._canonical: dict[tuple[str, str], int] = {}
        self._canonical_unit = [self._canonical.setdefault((unit.simplified, unit.target), index)
                                for index, unit in enumerate(units)]
        self._span_cache: _BoundedMemo[tuple, list[SpanScore]] = _BoundedMemo(_SPAN_CACHE_ENTRIES)
        self._span_words_cache: _BoundedMemo[int, _SpanWords] = _BoundedMemo(_HIT_CACHE_ENTRIES)
        self._span_text_cache: _BoundedMemo[tuple[int, int, int], str] = _BoundedMemo(_SPAN_TEXT_CACHE_ENTRIES)
        self._aligned_cache: _BoundedMemo[tuple[int, int, int], dict[int, float]] = (
            _BoundedMemo(_ALIGNED_CACHE_ENTRIES))
        self._aligned_run_cache: _BoundedMemo[tuple[int, int, int], tuple | None] = (
            _BoundedMemo(_ALIGNED_CACHE_ENTRIES))
        self._claims_cache: _BoundedMemo[int, dict[int, tuple[int, int]]] = _BoundedMemo(_HIT_CACHE_ENTRIES)
        self._phrases_cache: _BoundedMemo[int, Phrases] = _BoundedMemo(_HIT_CACHE_ENTRIES)
        self._keys: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._word_components: dict[str, _Component] = {}  # one per dictionary word of the corpus's terms
        self._units_with_char: dict[str, set[int]] = defaultdict(set)
        for index, unit in enumerate(units):
            for char in unit.simplified:
                self._units_with_char[char].add(index)
        # Per-matcher memos: what they hold depends on the corpus, so they must not outlive it. They are
        # plain dicts rather than lru_cache wrappers set on the instance, since a compiled class's
        # methods cannot be replaced per instance (see setup.py).
        self._memo_associations: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._memo_profile: dict[tuple[str, ...], tuple[_Component, ...]] = {}
        self._memo_whole_glosses: dict[str, tuple[frozenset[str], ...]] = {}
        self._memo_edge_parts: dict[str, tuple[tuple[_Component, ...], ...]] = {}
        self._memo_is_particle: dict[str, bool] = {}
        self._memo_glosses_of: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._units_with_stem: dict[str, set[int]] = defaultdict(set)
        for index, unit in enumerate(units):
            for word in unit.words:
                if word.text[0].isalnum():
                    self._units_with_stem[word.stem].add(index)

    def _glosses_of(self, word: str) -> tuple[tuple[str, ...], ...]:
        held = self._memo_glosses_of.get(word)
        return held if held is not None else _kept(self._memo_glosses_of, word, self._glosses_of_uncached(word))

    def _glosses_of_uncached(self, word: str) -> tuple[tuple[str, ...], ...]:
        return _glosses_of(word, self._lookup, self._units_with_stem.__contains__)

    def units_with_text(self, text: str) -> set[int]:
        """Units whose Chinese holds every character of `text` (a superset of those holding `text`)."""
        postings = sorted((self._units_with_char.get(char, set()) for char in set(text)), key=len)
        return postings[0].intersection(*postings[1:]) if postings else set()

    def _associations(self, component: str) -> tuple[tuple[str, ...], ...]:
        held = self._memo_associations.get(component)
        if held is None:
            held = _kept(self._memo_associations, component, self._associations_uncached(component))
        return held

    def _associations_uncached(self, component: str) -> tuple[tuple[str, ...], ...]:
        """English stems that keep company with a Chinese word across the corpus (Dice), as glosses.

        This is how a word the dictionary renders otherwise (集群: clan, flock) learns the rendering
        the translators chose (clusters), once it recurs. Memoized by the word alone: keyed by its
        glosses too, every profile rehashed their nested tuples (18,000 lookups on one report).
        """
        units = [index for index in self.units_with_text(component) if component in self.units[index].simplified]
        if len(units) < _MIN_ASSOCIATION_UNITS:
            return ()
        gloss_stems_known = {gloss_stem for gloss in self._glosses_of(component) for gloss_stem in gloss}
        rendered = sum(1 for index in units if gloss_stems_known & self.units[index].positions.keys())
        if rendered * 2 >= len(units):
            return ()  # the dictionary already explains what the translators wrote
        together: Counter[str] = Counter()
        for index in units:
            together.update(self.units[index].positions.keys())
        scored = []
        for word_stem, count in together.items():
            if count < _MIN_ASSOCIATION_UNITS or word_stem in FUNCTION_WORDS:
                continue
            dice = 2 * count / (len(units) + len(self._units_with_stem[word_stem]))
            if dice >= _MIN_ASSOCIATION_DICE:
                scored.append((dice, word_stem))
        if not scored:
            return ()
        scored.sort(reverse=True)
        # Words that keep company with it about equally often render it together (一带: belt, road,
        # initiative): one gloss of them all, so that no single one of them passes for the whole.
        best = scored[0][0]
        return (tuple(word_stem for dice, word_stem in scored[:3] if dice >= _ASSOCIATION_TIE * best),)

    # --- dictionary profiles -------------------------------------------------------------------

    def _profile(self, components: tuple[str, ...]) -> tuple[_Component, ...]:
        held = self._memo_profile.get(components)
        return held if held is not None else _kept(self._memo_profile, components, self._profile_uncached(components))

    def _profile_uncached(self, components: tuple[str, ...]) -> tuple[_Component, ...]:
        """What each part of a term may be rendered by: its glosses, or its parts' glosses."""
        profile: list[_Component] = []
        # A word learns from co-occurrence the words around its translation too: 兼并 (annex), always
        # next to 重组 (reorganize), learns "mergers" and "reorganization". What the dictionary gives
        # another part of the same term is that part's, not a learned rendering of this one.
        def learned_for(component: str) -> tuple[tuple[str, ...], ...]:
            associations = self._associations(component)
            if not associations:
                return ()  # the usual case: the other parts' glosses need not be gathered
            others = {word_stem for other in set(components) if other != component
                      for gloss in self._glosses_of(other) for word_stem in gloss}
            kept = []
            for gloss in associations:
                gloss = tuple(word_stem for word_stem in gloss if word_stem not in others)
                if gloss:
                    kept.append(gloss)
            return tuple(kept)

        for component in components:
            if self._is_particle(component):
                continue  # 的, 和, 与 inside a term: rendered by "of", "and" or by nothing
            glosses = self._glosses_of(component)
            if glosses:
                # What the translators wrote, when the dictionary's renderings are not it (集群: clan).
                learned = learned_for(component)
                if not learned:  # the usual case, the same in every term: one shared component
                    profile.append(self._word_component(component, glosses))
                    continue
                profile.append(_Component(len(component), 1.0, glosses + learned,
                                          (1.0,) * len(glosses) + (_ASSOCIATION_WEIGHT,) * len(learned),
                                          component))
                continue
            # The dictionary lacks the word (传统产业, 链主): split it into the longest words it does
            # know, with single characters for the rest; what co-occurrence learned for the whole word
            # helps only where the split found no word.
            parts = self._dictionary_words(component)
            if all(len(part) == 1 for part in parts):
                learned = learned_for(component)
                if learned:
                    profile.append(_Component(len(component), _ASSOCIATION_WEIGHT, learned, (), component))
                    continue
            for part in parts:
                if self._is_particle(part):
                    continue
                part_glosses = self._glosses_of(part)
                weight = 1.0 if len(part) > 1 else _CHARACTER_FALLBACK_WEIGHT
                profile.append(_Component(len(part), weight, part_glosses, (), part))
        return tuple(profile)

    def _word_component(self, word: str, glosses: tuple[tuple[str, ...], ...]) -> _Component:
        """A dictionary word's component with its glosses alone, built once per word (a word stands in
        many terms' profiles, and building a component hashes its glosses)."""
        component = self._word_components.get(word)
        if component is None:
            component = self._word_components[word] = _Component(len(word), 1.0, glosses, (1.0,) * len(glosses), word)
        return component

    def _is_particle(self, word: str) -> bool:
        held = self._memo_is_particle.get(word)
        return held if held is not None else _kept(self._memo_is_particle, word, self._is_particle_uncached(word))

    def _is_particle_uncached(self, word: str) -> bool:
        """A single character whose main sense is grammatical: its first gloss is all function words."""
        if len(word) != 1:
            return False
        glosses = self._lookup(word)
        if not glosses:
            return False
        first_sense = glosses[0].split(";")[0]
        # Quantifiers and negations are function words to gloss matching but carry meaning a
        # rendering keeps (全要素生产率: total factor productivity; 无电地区: areas with no power).
        if _MEANINGFUL_FUNCTION_WORDS.intersection(first_sense.lower().split()):
            return False
        return not gloss_stems(first_sense)

    def _dictionary_words(self, text: str) -> list[str]:
        """Greedy longest-match split of `text` into dictionary headwords (single characters last)."""
        parts = []
        position = 0
        while position < len(text):
            for length in range(min(4, len(text) - position), 0, -1):
                part = text[position:position + length]
                if length == 1 or self._glosses_of(part):
                    parts.append(part)
                    position += length
                    break
        return parts

    def _phrases(self, unit_index: int) -> Phrases:
        canonical = self._canonical_unit[unit_index]  # repeated sentence pairs are tagged once
        held = self._phrases_cache.get(canonical)
        if held is None:
            unit = self.units[canonical]
            held = self._phrases_cache.keep(canonical, phrases(unit.target, unit.words))
        return held

    def _claims(self, unit_index: int) -> dict[int, tuple[int, int]]:
        """English word -> (least end, greatest start) of the Chinese words of the unit whose glosses
        it renders (a gloss hit of at least `_CLAIM_MIN_VALUE`).

        Two bounds are all a caller needs: a word renders a Chinese word wholly before [start, end)
        when the least end is at most `start`, one wholly after it when the greatest start is at
        least `end`.
        """
        canonical = self._canonical_unit[unit_index]
        held = self._claims_cache.get(canonical)
        if held is None:
            held = {}
            if self._alignment is not None:
                text = self.units[canonical].simplified
                for start, end in self._alignment.chinese_words(canonical):
                    for j in self._rendering_words(canonical, self._profile((text[start:end],))):
                        least_end, greatest_start = held.get(j, (end, start))
                        held[j] = (min(least_end, end), max(greatest_start, start))
            self._claims_cache.keep(canonical, held)
        return held

    def _rendering_words(self, unit_index: int, profile: Sequence[_Component]) -> set[int]:
        """The English words of a unit that render some part of `profile` (a gloss hit of at least
        `_CLAIM_MIN_VALUE`)."""
        return {j for component in profile for j, _, _, value in self._component_hits(unit_index, component)
                if value >= _CLAIM_MIN_VALUE}

    def _edge_parts(self, term: str) -> tuple[tuple[_Component, ...], ...]:
        held = self._memo_edge_parts.get(term)
        return held if held is not None else _kept(self._memo_edge_parts, term, self._edge_parts_uncached(term))

    def _edge_parts_uncached(self, term: str) -> tuple[tuple[_Component, ...], ...]:
        """The profiles of the term's last and first dictionary words; none for a single word."""
        parts = [part for part in self._dictionary_words(term) if not self._is_particle(part)]
        return (self._profile((parts[-1],)), self._profile((parts[0],))) if len(parts) > 1 else ()

    def _whole_glosses(self, term: str) -> tuple[frozenset[str], ...]:
        held = self._memo_whole_glosses.get(term)
        return held if held is not None else _kept(self._memo_whole_glosses, term, self._whole_glosses_uncached(term))

    def _whole_glosses_uncached(self, term: str) -> tuple[frozenset[str], ...]:
        return tuple(frozenset(variant) for variant in self._glosses_of(term))

    # --- spans of one occurrence -----------------------------------------------------------------

    def _stems_by_opening(self, unit_index: int) -> dict[str, list[str]]:
        index = self._opening_cache.get(unit_index)
        if index is None:
            index = defaultdict(list)
            for word_stem in self.units[unit_index].positions:
                index[word_stem[:2]].append(word_stem)
                if len(word_stem) > 1 and word_stem[0].isdigit():
                    index[word_stem[:1]].append(word_stem)  # a one-digit gloss (5) opens 5g
                base = _unprefixed(word_stem)
                if base is not None and base[:2] != word_stem[:2]:
                    index[base[:2]].append(word_stem)  # deleverage opens like lever
            self._opening_cache.keep(unit_index, index)
        return index

    def _component_hits(self, unit_index: int, component: _Component) -> tuple[tuple[int, int, int, float], ...]:
        """(word, gloss, stem, value) for every word of a unit that renders a stem of the component."""
        key = (unit_index, component)
        cached = self._hit_cache.get(key)
        if cached is not None:
            return cached
        positions = self.units[unit_index].positions
        by_opening = self._stems_by_opening(unit_index)
        weights = component.gloss_weights or (component.weight,) * len(component.glosses)
        hits: list[tuple[int, int, int, float]] = []
        for g, (gloss, weight) in enumerate(zip(component.glosses, weights)):
            for s, gloss_stem in enumerate(gloss):
                # Only stems opening with the same two letters can be equal, a prefix or a close
                # spelling variant (industri ~ industrial, organis ~ organiz).
                for word_stem in by_opening.get(gloss_stem[:2], ()):
                    value = _similarity(gloss_stem, word_stem)
                    if value:
                        hits.extend((j, g, s, value * weight) for j in positions[word_stem])
        return self._hit_cache.keep(key, tuple(hits))

    def renders_most_parts(self, components: Sequence[str], occurrence: TermOccurrence) -> bool:
        """Cheap test: does the unit's English hold, word for word, gloss stems for most of the term?

        "Most" is every part but one for terms of three or more parts, every part otherwise, counted
        over the dictionary words of the term.
        """
        present = self.units[occurrence.unit].positions
        profile = self._profile(tuple(components))
        missing = sum(
            1 for component in profile
            if not any(gloss_stem in present for gloss in component.glosses for gloss_stem in gloss)
        )
        return missing == 0 or (missing == 1 and len(profile) >= 3)

    def _aligned_to(self, occurrence: TermOccurrence) -> dict[int, float]:
        """English word index -> probability that it renders the occurrence (the word alignment's)."""
        key = (self._canonical_unit[occurrence.unit], occurrence.start, occurrence.end)
        held = self._aligned_cache.get(key)
        if held is None:
            assert self._alignment is not None
            held = self._aligned_cache.keep(key, self._alignment.aligned(*key))
        return held

    def _add_aligned_hits(self, profile: Sequence[_Component], term: str, occurrence: TermOccurrence,
                          hits_at: dict[int, list[tuple[int, int, int, float]]], explained: dict[int, float],
                          gloss_sizes: list[list[int]], found_components: set[int]) -> dict[int, float]:
        """Let the corpus's word alignment render the parts of the term no gloss found in this sentence.

        An English word the alignment gives to the term and no gloss explains (城镇, "cities and towns":
        urban) becomes a hit of such a part: of the only one, or of the one the alignment gives it to
        most. The words one part gets form one extra gloss of that part, so that together they render
        it (保障性: low-income). Where the glosses found every part, such words are returned instead:
        they count as explained inside a span without rendering any part.
        """
        assert self._alignment is not None
        unfound = [c for c in range(len(profile)) if c not in found_components]
        aligned = [(j, value) for j, value in
                   self._aligned_to(occurrence).items()
                   if value >= _MIN_ALIGNED and explained.get(j, 0.0) < 0.5]
        if not aligned:
            return {}
        if not unfound:
            return dict(aligned)
        per_part: dict[int, dict[int, float]] = {}
        if len(unfound) > 1:
            position = 0
            for c, component in enumerate(profile):
                offset = term.find(component.text, position)
                offset = position if offset < 0 else offset
                position = offset + len(component.text)
                if c in unfound:
                    start = occurrence.start + offset
                    per_part[c] = self._alignment.aligned(occurrence.unit, start, occurrence.start + position)
        words_of: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for j, value in aligned:
            owner = max(unfound, key=lambda c: per_part[c].get(j, 0.0)) if per_part else unfound[0]
            words_of[owner].append((j, value))
        for c, words in words_of.items():
            g = len(gloss_sizes[c])
            gloss_sizes[c].append(len(words))
            for s, (j, value) in enumerate(words):
                hits_at[j].append((c, g, s, value))
                explained[j] = max(explained.get(j, 0.0), value)
        return {}

    def occurrence_spans(self, components: Sequence[str], term: str, occurrence: TermOccurrence
                         ) -> list[SpanScore]:
        """The best-scoring English spans for one occurrence of a term, best first."""
        canonical = self._canonical_unit[occurrence.unit]
        key = (tuple(components), term, canonical, occurrence.start)
        cached = self._span_cache.get(key)
        if cached is None:
            cached = self._span_cache.keep(key, self._occurrence_spans(
                components, term, TermOccurrence(canonical, occurrence.start, occurrence.end)))
        if canonical == occurrence.unit:
            return cached
        # Built directly: dataclasses.replace runs interpreted and costs several times more.
        return [SpanScore(span.key, occurrence.unit, span.first, span.last, span.score, span.explained)
                for span in cached]

    def _occurrence_spans(self, components: Sequence[str], term: str, occurrence: TermOccurrence
                          ) -> list[SpanScore]:
        unit = self.units[occurrence.unit]
        words = unit.words
        if not words:
            return []
        profile = self._profile(tuple(components))
        total_weight = float(sum(component.chars for component in profile)) or 1.0
        hits_at: dict[int, list[tuple[int, int, int, float]]] = defaultdict(list)
        explained: dict[int, float] = {}
        found_components: set[int] = set()  # parts with a hit good enough to count as their rendering
        for c, component in enumerate(profile):
            for j, g, s, value in self._component_hits(occurrence.unit, component):
                hits_at[j].append((c, g, s, value))
        for j, hits in hits_at.items():
            _keep_best_parts(hits)
            for c, _, _, value in hits:
                if value >= 0.5:
                    found_components.add(c)
                if value > explained.get(j, 0.0):
                    explained[j] = value
        gloss_sizes = [[len(gloss) for gloss in component.glosses] for component in profile]
        attached: dict[int, float] = {}
        if self._alignment is not None:
            attached = self._add_aligned_hits(profile, term, occurrence, hits_at, explained, gloss_sizes,
                                              found_components)
        whole = self._whole_glosses(term)
        whole_stems = frozenset().union(*whole) if whole else frozenset()
        anchors = {j for j, value in explained.items() if value >= 0.5} | attached.keys()
        if whole_stems:
            for word_stem in whole_stems:  # the content words holding a stem of a whole-term gloss
                anchors.update(unit.positions.get(word_stem, ()))
        if not anchors:
            return []
        middle_zh = (occurrence.start + occurrence.end) / (2 * max(1, len(unit.simplified)))
        target_length = max(1, len(unit.target))
        explained_words = tuple(sorted(j for j, value in explained.items() if value >= 0.5))
        # Past a few words beyond the last word the term explains, a span only gets worse.
        last_explained = max(max(anchors), explained_words[-1] if explained_words else 0)
        chars = [component.chars for component in profile]
        max_words = min(14, 3 + 2 * len(term))
        candidates: list[tuple] = []
        starts = set()
        facts = self._span_words_cache.get(occurrence.unit)
        if facts is None:
            facts = self._span_words_cache.keep(occurrence.unit, _span_words(words))
        # No span reaches across a hard break, so a part's gloss hits count only in their own clause:
        # in "develop twin engines to drive development: ..., paired with ...", 双 ("pair") has a hit,
        # but not one a span over "engines" could hold.
        clause_of = facts.clause
        hit_in_clause: set[tuple[int, int]] = set()  # (part, clause) with a gloss hit of the part
        found_in_clause: set[tuple[int, int]] = set()  # ... with one good enough to be its rendering
        for j, hits in hits_at.items():
            clause = clause_of[j]
            for hit in hits:
                hit_in_clause.add((hit[0], clause))
                if hit[3] >= 0.5:
                    found_in_clause.add((hit[0], clause))
        # Parts of the term the dictionary explains nothing of in the clause may be rendered by the
        # English word just before an explained one, since English puts modifiers first (海洋经济:
        # marine | economy; 自由贸易试验区: Pilot | Free Trade Zone; 双引擎: twin | engines): spans may
        # also start there, never across a function word.
        # A verb there is the translators' own (develop | low-income housing projects), unless the
        # term opens with one too (补短板: strengthen | points of weakness).
        verb_may_lead = not profile or any(
            gloss.startswith("to ") for gloss in self._lookup(profile[0].text))
        quantity_blocked = not _NUMERAL.search(term)
        for anchor in anchors:
            first = anchor
            while first > 0 and words[first].joined_to_previous:
                first -= 1  # a span starts at the start of a hyphenated compound
            if quantity_blocked and _QUANTITY.match(words[first].text):
                continue
            starts.add(first)
            clause = clause_of[anchor]
            lead = min(_MAX_LEADING_FILL,
                       sum(1 for c in range(len(profile)) if (c, clause) not in hit_in_clause))
            for _ in range(lead):
                if first == 0 or not words[first - 1].is_content or first - 1 in explained:
                    break
                if not verb_may_lead and words[first - 1].text.lower() in self._verbs:
                    break
                if quantity_blocked and _QUANTITY.match(words[first - 1].text):
                    break
                first -= 1
                while first > 0 and words[first].joined_to_previous:
                    first -= 1
                starts.add(first)
        # A hyphenated compound (high-end, cutting-edge) counts as one English word, explained as
        # well as its best-explained part.
        compound_value: dict[int, float] = {}
        compound_heads = unit.compound_heads
        for j, value in explained.items():
            head = compound_heads[j]
            if value > compound_value.get(head, 0.0):
                compound_value[head] = value
        # Parts whose rendering the dictionary finds nowhere in the span's clause may be filled
        # anywhere in the span. Where it finds one outside the span (改革: reform), the part may still
        # be rendered otherwise at the span's edge (数字服务产业: digital services | sector), but not
        # by a word inside it: in "reform of the | cultural administrative system", "administrative"
        # is not the rendering of 改革.
        fill_capacity_per_char = [1.0 if component.chars == 1 and component.weight < 1 else 0.5
                                  for component in profile]
        capacities: dict[int, tuple[list[bool], float, float]] = {}  # per clause: edge-only parts, capacities
        kinds, word_stems, function_costs = facts.kind, facts.stem, facts.function_cost
        opens_clause, joined, compound_continues = facts.opens_clause, facts.joined, facts.compound_continues
        cut_short, word_ends = facts.cut_short, facts.end
        has_parts = bool(profile)
        double_length = 2 * target_length
        stop_after_explained = last_explained + _MAX_TRAILING_WORDS + 1
        for first in sorted(starts):
            first_start = words[first].start
            held_capacities = capacities.get(clause_of[first])
            if held_capacities is None:
                edge_only = [(c, clause_of[first]) in found_in_clause for c in range(len(profile))]
                held_capacities = capacities[clause_of[first]] = (
                    edge_only,
                    sum(weight * per_char for weight, per_char, edge in
                        zip(chars, fill_capacity_per_char, edge_only) if not edge),
                    sum(weight * per_char for weight, per_char, edge in
                        zip(chars, fill_capacity_per_char, edge_only) if edge))
            edge_only, total_fill_capacity, total_edge_capacity = held_capacities
            # Coverage only grows as the span grows to the right, so it is kept up to date per hit.
            best_stem: dict[tuple[int, int, int], float] = {}
            gloss_total: dict[tuple[int, int], float] = {}
            coverage = [0.0] * len(profile)
            explained_sum = 0.0
            content = 0
            function_inside = 0
            leading_unexplained = 0  # unexplained words before the first explained one
            trailing_unexplained = 0  # ... after the last explained one so far
            trailing_blocked = 0  # ... of those, the ones past a clause word: not a rendering's fill
            clause_break = False
            seen_explained = False
            # Inverted: a word further on renders an earlier part of the term than the first explained
            # word does (改革 ... 制度: reform | of the business system). English did not put the
            # term's first part first, so words before the first explained one are not its rendering.
            inverted = False
            first_part: int | None = None
            explained_units = 0
            compound_improves = False
            compound_head = first
            stems: list[str] = []
            content_stems: list[str] = []
            whole_words = 0  # words of the span found in some whole-term gloss
            covered = 0.0
            fill_capacity = total_fill_capacity
            edge_capacity = total_edge_capacity
            for last in range(first, min(len(words), first + max_words, stop_after_explained)):
                kind = kinds[last]
                if kind == _BREAK:
                    break
                if kind == _QUOTE:
                    function_inside += 1
                    continue
                span_stem = word_stems[last]
                if span_stem is not None:
                    stems.append(span_stem)
                    if kind == _CONTENT:
                        content_stems.append(span_stem)
                    if span_stem in whole_stems:
                        whole_words += 1
                if kind != _CONTENT:
                    # Function words inside a rendering cost a little, commas more: a term's English
                    # seldom runs across one (delegate more powers, | improve regulation).
                    function_inside += function_costs[last]
                    if seen_explained and opens_clause[last]:
                        clause_break = True
                    continue
                if not joined[last]:
                    compound_improves = False
                    compound_head = last
                for c, g, s_index, value in hits_at.get(last, ()):
                    old = best_stem.get((c, g, s_index), 0.0)
                    if value > old:
                        best_stem[(c, g, s_index)] = value
                        total = gloss_total.get((c, g), 0.0) + value - old
                        gloss_total[(c, g)] = total
                        ratio = total / gloss_sizes[c][g]
                        if ratio > coverage[c]:
                            coverage[c] = ratio
                            compound_improves = True
                if compound_improves:  # coverage changed: recount what is covered and what may be filled
                    covered = 0.0
                    fill_capacity = edge_capacity = 0.0
                    for weight, value, per_char, edge in zip(chars, coverage, fill_capacity_per_char, edge_only):
                        covered += weight * value
                        if value < 0.5:
                            if edge:
                                edge_capacity += weight * (1 - value) * per_char
                            else:
                                fill_capacity += weight * (1 - value) * per_char
                if compound_continues[last]:
                    continue  # a hyphenated compound counts once, at its end, and is never cut
                # A word counts as explained only when it renders something the span had not yet
                # rendered: a second "exchange rate" further on explains nothing new.
                content += 1
                word_value: float | None
                if compound_improves:
                    word_value = compound_value.get(compound_head, 0.0)
                elif not clause_break:
                    # A word the alignment ties to the term is part of its rendering, though no part's
                    # own (rural | migrant workers, Stock | Connect).
                    word_value = attached.get(last)
                else:
                    word_value = None
                if word_value is not None:
                    explained_sum += word_value
                    explained_units += 1
                    parts_here = () if inverted else [
                        hit[0] for k in range(compound_head, last + 1) for hit in hits_at.get(k, ())]
                    if parts_here:
                        if first_part is None:
                            first_part = min(parts_here)
                        elif min(parts_here) < first_part:
                            inverted = True
                    seen_explained = True
                    trailing_unexplained = trailing_blocked = 0
                    clause_break = False
                elif clause_break:
                    trailing_blocked += 1  # Free Trade Zone | and established
                elif seen_explained:
                    trailing_unexplained += 1
                else:
                    leading_unexplained += 1
                # English words no gloss explains may render Chinese words no gloss explains (about one
                # word for two characters, one for a character standing alone), credited at a discount
                # on both sides. English puts modifiers first, so unexplained words at the start of the
                # span stand for the term's first word and those at the end for its last.
                middle = content - explained_units - leading_unexplained - trailing_unexplained - trailing_blocked
                edge_words = 0
                if has_parts and coverage[0] < 0.5 and not inverted:
                    edge_words += leading_unexplained
                if has_parts and coverage[-1] < 0.5:
                    edge_words += trailing_unexplained
                fill = max(0.0, min(middle + edge_words, fill_capacity))
                if edge_capacity:
                    fill += min(edge_words, middle + edge_words - fill, edge_capacity)
                recall = (covered + _FILL_CREDIT * 2 * fill) / total_weight
                precision = (explained_sum + _FILL_CREDIT * fill) / (content + _FUNCTION_WORD_COST * function_inside)
                value = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
                if whole_words:
                    span_stems = frozenset(content_stems)  # the glosses have no function words either
                    for gloss in whole:
                        value = max(value, len(gloss & span_stems) / len(gloss | span_stems))
                if cut_short[last]:
                    # An English noun phrase ends on its noun: a span that stops on an adjective with
                    # more words after it (strategic | importance, urban | areas) is cut short.
                    value *= _CUT_SHORT_PENALTY
                # Position prior: sentences tend to keep their order of ideas across the translation.
                middle_en = (first_start + word_ends[last]) / double_length
                value *= 1 - _POSITION_WEIGHT * abs(middle_zh - middle_en)
                if value > 0.05:
                    # Spans are built only for the few best: a candidate here is its score, its place
                    # and how many of this start's stems it covers.
                    candidates.append((-min(1.0, value), last + 1 - first, first, last + 1, stems, len(stems)))
        candidates.sort(key=lambda item: (item[0], item[1]))
        return [
            SpanScore(self.shared_key(tuple(span_stems[:count])), occurrence.unit, first, end, -negative,
                      explained_words)
            for negative, _, first, end, span_stems, count in candidates[:TOP_SPANS_PER_OCCURRENCE]
        ]

    def shared_key(self, key: tuple[str, ...]) -> tuple[str, ...]:
        """One tuple per distinct span key. Every term's spans are kept until terms are linked (417,000
        on nine reports, for 122,000 distinct keys): sharing their keys saves about 25 MB there."""
        return self._keys.setdefault(key, key)

    # --- across occurrences ---------------------------------------------------------------------

    def units_containing(self, key: tuple[str, ...]) -> frozenset[int]:
        cached = self._containing_cache.get(key)
        if cached is None:
            cached = self._containing_cache[key] = frozenset(self._units_containing(key))
        return cached

    def _units_containing(self, key: tuple[str, ...]) -> set[int]:
        postings = sorted((self._units_with_stem.get(stem, set()) for stem in set(key)), key=len)
        if not postings or not postings[0]:
            return set()
        needle = " " + " ".join(key) + " "
        return {unit for unit in postings[0].intersection(*postings[1:]) if needle in self.units[unit].stem_line}

    def choose(self, occurrences: Sequence[TermOccurrence], spans_per_occurrence: Sequence[list[SpanScore]],
               term_units: frozenset[int] | None = None) -> TermMatch:
        """The best English for a term over its occurrences, and up to three alternatives."""
        # Spans are grouped by their content words, so that "reforming the system of ..." and
        # "reform of the system of ..." in two sentences count as one rendering, not two rivals
        # of the piece they share.
        per_key: dict[tuple[str, ...], dict[int, SpanScore]] = defaultdict(dict)
        credit: dict[tuple[str, ...], dict[int, float]] = defaultdict(dict)
        full_keys: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
        for index, spans in enumerate(spans_per_occurrence):
            if not spans:
                continue
            winner = max(spans, key=lambda span: (span.score, span.first - span.last))
            for span in spans:
                key = content_key(span.key)
                full_keys[key].add(span.key)
                held = per_key[key].get(index)
                if held is None or span.score > held.score:
                    per_key[key][index] = span
                    # A span that loses to a better one in the same sentence is only a runner-up there,
                    # and a piece of the winning span is not a rendering of its own.
                    if span.score >= winner.score - 0.05:
                        factor = 1.0
                    elif winner.first <= span.first and span.last <= winner.last:
                        factor = _NESTED_RUNNER_UP_CREDIT
                    else:
                        factor = _RUNNER_UP_CREDIT
                    credit[key][index] = span.score * factor
        if term_units is None:
            term_units = frozenset(occurrence.unit for occurrence in occurrences)
        if not per_key and len(term_units) < 2:
            return self._aligned_guess(occurrences)
        ranked: list[tuple[float, tuple[str, ...]]] = []
        for key, by_occurrence in per_key.items():
            values = [span.score for span in by_occurrence.values()]
            mean = sum(credit[key].values()) / len(occurrences)
            value = 0.75 * mean + 0.25 * max(values)
            if len(term_units) >= 2:
                with_key = self._units_with_any(full_keys[key])
                dice = 2 * len(with_key & term_units) / (len(term_units) + len(with_key))
                value = 0.7 * value + 0.3 * dice
            ranked.append((value, key))
        ranked.sort(key=lambda item: (-item[0], len(item[1])))
        if ranked and len(term_units) >= 2:
            ranked = self._extend_collocation(ranked, term_units, full_keys)
        if ranked:
            ranked = self._complete_noun_phrase(ranked, per_key)
            ranked = self._add_leading_modifier(ranked, per_key, occurrences)
        if len(term_units) >= 2 and (not ranked or ranked[0][0] < _COOCCURRENCE_TAKES_OVER_BELOW):
            # Loose renderings no dictionary links (走出去: go global) recur with the term: where the
            # dictionary's best is weak, the English that keeps the term's company takes the lead.
            cooccurring = self._cooccurring_rendering(occurrences, term_units)
            if cooccurring is not None:
                dice, cooccurring_spans = cooccurring
                key = content_key(next(iter(cooccurring_spans.values())).key)
                value = dice * _COOCCURRENCE_SCORE_FACTOR
                place_held = next((place for place, item in enumerate(ranked) if item[1] == key), None)
                if place_held is not None:
                    value = max(value, ranked.pop(place_held)[0])
                else:
                    per_key[key] = cooccurring_spans
                ranked.insert(0, (value, key))
        if not ranked:
            return self._aligned_guess(occurrences)
        aligned_keys = (self._add_aligned_spans(ranked, per_key, occurrences)
                        if self._alignment is not None and self._reranker is not None else set())
        candidates: list[Candidate] = []
        seen_text: set[str] = set()
        for value, key in ranked:
            text = self._surface(per_key[key])
            if text.lower() in seen_text:
                continue
            seen_text.add(text.lower())
            candidates.append(Candidate(text, key, value))
            if len(candidates) == (_RERANKED_CANDIDATES if self._reranker else _EQUIVALENTS_KEPT):
                break
        if self._reranker is not None and len(candidates) > 1:
            self._add_features(candidates, occurrences, per_key, aligned_keys)
        equivalents = self._order_candidates(occurrences, candidates, _EQUIVALENTS_KEPT)
        best = equivalents[0]
        return TermMatch(best, tuple(equivalents[1:]), self._character_spans(per_key[best.key]))

    def _character_spans(self, spans: dict[int, SpanScore]) -> dict[int, tuple[int, int]]:
        """Occurrence index -> (start, end) characters of its span in the unit's English."""
        chosen = {}
        for index, span in spans.items():
            words = self.units[span.unit].words
            first, last = _rendering_edges(words, span.first, span.last)
            chosen[index] = (words[first].start, words[last - 1].end)
        return chosen

    def _add_aligned_spans(self, ranked: list[tuple[float, tuple[str, ...]]],
                           per_key: dict[tuple[str, ...], dict[int, SpanScore]],
                           occurrences: Sequence[TermOccurrence]) -> set[tuple[str, ...]]:
        """Offer the re-ranker, per occurrence, the run of English words the word alignment gives the term.

        Loose renderings share no word with any gloss (捂盘惜售: property hoarding; 安居乐业: content
        with their lives and jobs), so no span the glosses anchor holds them. The alignment gives
        such a term the English no other Chinese word explains: from its favourite word, the span
        grows over every neighbour it reports (past at most two function words between them), never
        over punctuation. Such spans rank below the hand-ranked best at half their mean alignment;
        the re-ranker knows them by a feature of their own. Returns the keys it added.
        """
        by_key: dict[tuple[str, ...], dict[int, SpanScore]] = defaultdict(dict)
        for index, occurrence in enumerate(occurrences[:_GUESS_OCCURRENCES]):
            run = self._aligned_run(occurrence)
            if run is not None:
                key, first, end, value = run
                by_key[content_key(key)][index] = SpanScore(key, occurrence.unit, first, end, value)
        known = {key for _, key in ranked}
        added = set()
        for key, spans in by_key.items():
            if not key or key in known:
                continue
            per_key[key] = spans
            added.add(key)
            value = sum(span.score for span in spans.values()) / len(occurrences)
            # Never first: the hand-ranked best (or what the steps above put first) keeps its place.
            place = next((i for i in range(1, len(ranked)) if ranked[i][0] < value), len(ranked))
            ranked.insert(place, (value, key))
        return added

    def _aligned_run(self, occurrence: TermOccurrence) -> tuple[tuple[str, ...], int, int, float] | None:
        """The key, first word, end and hand value of the run of words the alignment gives an occurrence."""
        cache_key = (self._canonical_unit[occurrence.unit], occurrence.start, occurrence.end)
        if cache_key in self._aligned_run_cache:
            return self._aligned_run_cache[cache_key]
        mass = self._aligned_to(occurrence)
        if not mass:
            return self._aligned_run_cache.keep(cache_key, None)
        words = self.units[occurrence.unit].words
        first = last = max(mass, key=mass.__getitem__)
        while first > 0 and words[first].joined_to_previous:
            first -= 1
        while last + 1 < len(words) and words[last + 1].joined_to_previous:
            last += 1
        quantity_blocked = not _NUMERAL.search(
            self.units[occurrence.unit].simplified[occurrence.start:occurrence.end])
        while True:
            j = first - 1
            while j >= 0 and not words[j].is_content and words[j].text[0].isalnum():
                j -= 1
            if j < 0 or first - j > _ALIGNED_SPAN_GAP or j not in mass:
                break
            if quantity_blocked and _QUANTITY.match(words[j].text):
                break
            first = j
            while first > 0 and words[first].joined_to_previous:
                first -= 1
        while True:
            j = last + 1
            while j < len(words) and not words[j].is_content and words[j].text[0].isalnum():
                j += 1
            if j == len(words) or j - last > _ALIGNED_SPAN_GAP or j not in mass:
                break
            last = j
            while last + 1 < len(words) and words[last + 1].joined_to_previous:
                last += 1
        content = [mass.get(j, 0.0) for j in range(first, last + 1) if words[j].is_content]
        value = _ALIGNED_SPAN_SHARE * sum(content) / max(1, len(content))
        key = self.shared_key(tuple(word.stem for word in words[first:last + 1] if word.text[0].isalnum()))
        return self._aligned_run_cache.keep(cache_key, (key, first, last + 1, value))

    def _aligned_guess(self, occurrences: Sequence[TermOccurrence]) -> TermMatch:
        """For a term no gloss and no co-occurrence renders: the English the word alignment favours.

        Per occurrence, the content word most aligned to the term and its neighbours aligned at least
        half as much form a span (拦路虎: tigers, 二十国集团: G20, 半拉子: stopped midway); the span
        most occurrences agree on is the guess. On the development lists such guesses were right for
        7 of 26 terms that had no English at all before, so they score low.
        """
        if self._alignment is None or not occurrences:
            return TermMatch(None, (), {})
        by_key: dict[tuple[str, ...], dict[int, SpanScore]] = defaultdict(dict)
        for index, occurrence in enumerate(occurrences[:_GUESS_OCCURRENCES]):
            mass = self._aligned_to(occurrence)
            if not mass:
                continue
            words = self.units[occurrence.unit].words
            peak = max(mass, key=mass.__getitem__)
            floor = _GUESS_NEIGHBOUR_SHARE * mass[peak]
            first = last = peak
            while first > 0 and (words[first].joined_to_previous or (
                    words[first - 1].is_content and mass.get(first - 1, 0.0) >= floor)):
                first -= 1
            while last + 1 < len(words) and (words[last + 1].joined_to_previous or (
                    words[last + 1].is_content and mass.get(last + 1, 0.0) >= floor)):
                last += 1
            key = tuple(word.stem for word in words[first:last + 1] if word.text[0].isalnum())
            by_key[content_key(key)][index] = SpanScore(key, occurrence.unit, first, last + 1, mass[peak])
        if not by_key:
            return TermMatch(None, (), {})
        key, spans = max(by_key.items(), key=lambda item: (len(item[1]), sum(s.score for s in item[1].values())))
        agreement = len(spans) / min(len(occurrences), _GUESS_OCCURRENCES)
        guess = Equivalent(self._surface(spans), round(_GUESS_SCORE * agreement, 4), key)
        return TermMatch(guess, (), self._character_spans(spans))

    def _order_candidates(self, occurrences: Sequence[TermOccurrence], candidates: list[Candidate],
                          limit: int) -> list[Equivalent]:
        """The `limit` best candidates, best first, as equivalents with their scores.

        `occurrences` are the term's; the ranking does not need them, but a subclass that records
        candidates (benchmarks/train_reranker.py) tells terms apart by them.

        With the learned re-ranker, a candidate's score is the mean of its hand score and the model's
        probability for it: on the development lists that mean separates right from wrong renderings
        better than either (ROC AUC 0.82 against 0.80 and 0.79, leave one report out on four lists; since
        the reverse HMM in the word alignment, 0.839 for both the mean and the probability, 0.790 for the
        hand score, on the five training lists). The order is
        the model's, so an alternative with a strong hand score may score above a candidate the model
        puts before it.
        """
        if self._reranker is None:
            return hand_order(candidates, limit)
        probabilities = self._reranker.probabilities([c.features for c in candidates])
        order = sorted(range(len(candidates)), key=probabilities.__getitem__, reverse=True)[:limit]
        return [Equivalent(candidates[i].text, round(blended_score(candidates[i].value, probabilities[i]), 4),
                           candidates[i].key) for i in order]

    def _add_features(self, candidates: list[Candidate], occurrences: Sequence[TermOccurrence],
                      per_key: dict[tuple[str, ...], dict[int, SpanScore]],
                      aligned_keys: set[tuple[str, ...]]) -> None:
        """Fill in each candidate's features for the re-ranker (see termsieve.rerank.FEATURES)."""
        best = candidates[0]
        # Chinese terms put their head last (青藏铁路, 乡镇机构改革): a span without a rendering of the
        # last word has lost the head (Qinghai-Tibet | Railway), one without the first word's has lost
        # a modifier. These two features raised the development lists from 401 to 413 of 606 rows.
        first_occurrence = occurrences[0]
        edge_profiles = self._edge_parts(
            self.units[first_occurrence.unit].simplified[first_occurrence.start:first_occurrence.end])
        edge_words: dict[int, list[set[int]]] = {}  # per occurrence: words rendering the last / first word
        # Per occurrence: English content word -> probability that it renders the term, and their sum.
        aligned: dict[int, tuple[dict[int, float], float]] = {}
        verbs = self._verbs
        # Per occurrence: English words that render a Chinese word of the sentence outside the term.
        # Such a word is that word's rendering, not the term's (特别提款权货币篮子: Special Drawing
        # Rights | basket). This feature raised the development lists from 413 to 427 of 606 rows.
        elsewhere_of: dict[int, frozenset[int]] = {}
        for candidate in candidates:
            spans = per_key[candidate.key]
            aligned_share = aligned_outside = aligned_high = aligned_mean = aligned_before = aligned_after = 0.0
            cut_right = adjective_before = verb_before = comma = length = 0.0
            head_inside = head_known = opening_inside = opening_known = claimed_elsewhere = 0.0
            chunk_cut_right = chunk_cut_left = finite_share = verb_phrase_share = 0.0
            ends_on_finite = opens_on_verb = ends_on_noun = chunks = position_gap = 0.0
            # Features are means over the spans: a sample of them tells as much for a frequent term.
            sample = list(spans.items())[:_FEATURE_SPANS] if len(spans) > _FEATURE_SPANS else spans.items()
            for index, span in sample:
                occurrence = occurrences[index]
                held = aligned.get(index)
                if held is None:
                    mass = {} if self._alignment is None else self._aligned_to(occurrence)
                    held = aligned[index] = (mass, sum(mass.values()))
                mass, total_mass = held
                words = self.units[span.unit].words
                first, last = span.first, span.last
                claimed = elsewhere_of.get(index)
                if claimed is None:
                    claimed = elsewhere_of[index] = frozenset(
                        j for j, (least_end, greatest_start) in self._claims(span.unit).items()
                        if least_end <= occurrence.start or greatest_start >= occurrence.end)
                inside = 0.0
                content = high_count = elsewhere = finite = in_verb_phrase = 0
                first_content = last_content = -1
                has_comma = False
                structure = self._phrases(span.unit)
                tags, chunk_ids = structure.tags, structure.chunk_ids
                for j in range(first, last):
                    word = words[j]
                    if word.is_content:
                        content += 1
                        value = mass.get(j, 0.0)
                        inside += value
                        high_count += value > 0.3
                        elsewhere += j in claimed
                        finite += tags[j] in FINITE_VERB_TAGS
                        in_verb_phrase += structure.chunk_kinds[j] == "VP"
                        if first_content < 0:
                            first_content = j
                        last_content = j
                    elif word.text == ",":
                        has_comma = True
                chunk_cut_right += structure.cuts_chunk_after(last)
                chunk_cut_left += structure.cuts_chunk_before(first)
                if content:
                    finite_share += finite / content
                    verb_phrase_share += in_verb_phrase / content
                else:
                    first_content, last_content = first, last - 1
                ends_on_finite += tags[last_content] in FINITE_VERB_TAGS
                opens_on_verb += tags[first_content] in FINITE_VERB_TAGS or tags[first_content] == "VBG"
                ends_on_noun += tags[last_content].startswith("NN")
                chunks += len({chunk_ids[j] for j in range(first, last) if chunk_ids[j] >= 0})
                unit = self.units[span.unit]
                middle_zh = (occurrence.start + occurrence.end) / (2 * max(1, len(unit.simplified)))
                middle_en = (words[first].start + words[last - 1].end) / (2 * max(1, len(unit.target)))
                position_gap += abs(middle_zh - middle_en)
                if total_mass:
                    aligned_share += inside / total_mass
                if content:
                    aligned_high += high_count / content
                    aligned_mean += inside / content
                    claimed_elsewhere += elsewhere / content
                if mass:
                    aligned_outside += max(mass.get(first - 3, 0.0), mass.get(first - 2, 0.0),
                                           mass.get(first - 1, 0.0), mass.get(last, 0.0),
                                           mass.get(last + 1, 0.0), mass.get(last + 2, 0.0))
                if first > 0:
                    before = words[first - 1]
                    if before.is_content:
                        aligned_before += mass.get(first - 1, 0.0)
                        adjective_before += _ends_like_adjective(before.text)
                    verb_before += before.text.lower() in verbs
                if last < len(words) and words[last].is_content:
                    aligned_after += mass.get(last, 0.0)
                    cut_right += 1.0
                comma += has_comma
                length += last - first
                if edge_profiles:
                    if index not in edge_words:
                        edge_words[index] = [self._rendering_words(span.unit, profile) for profile in edge_profiles]
                    head_words, opening_words = edge_words[index]
                    if head_words:
                        head_known += 1
                        head_inside += not head_words.isdisjoint(range(first, last))
                    if opening_words:
                        opening_known += 1
                        opening_inside += not opening_words.isdisjoint(range(first, last))
            sampled = min(len(spans), _FEATURE_SPANS)
            count = len(spans)
            scores = [span.score for span in spans.values()]
            candidate.features = (
                candidate.value,
                best.value - candidate.value,
                float(candidate is best),
                float(candidate is best and candidate.value >= _TRUSTED_HAND_SCORE),
                float(len(candidate.key)),
                float(len(candidate.key) > len(best.key) and _contains(candidate.key, best.key)),
                count / len(occurrences),
                sum(scores) / count,
                max(scores),
                aligned_share / sampled, aligned_outside / sampled, aligned_high / sampled,
                aligned_mean / sampled, aligned_before / sampled, aligned_after / sampled, cut_right / sampled,
                adjective_before / sampled, verb_before / sampled, comma / sampled, length / sampled,
                head_inside / head_known if head_known else 0.5,
                opening_inside / opening_known if opening_known else 0.5,
                claimed_elsewhere / sampled,
                chunk_cut_right / sampled, chunk_cut_left / sampled, finite_share / sampled,
                verb_phrase_share / sampled, ends_on_finite / sampled, opens_on_verb / sampled,
                ends_on_noun / sampled, chunks / sampled,
                float(candidate.key in aligned_keys),
                position_gap / sampled,
            )

    def _cooccurring_rendering(self, occurrences: Sequence[TermOccurrence], term_units: frozenset[int]
                               ) -> tuple[float, dict[int, SpanScore]] | None:
        """The English word sequence that goes with the term most faithfully (Dice over sentences).

        Candidates are runs of up to six words without punctuation that open and close on content
        words, in the term's sentences; one found in fewer than two of them, or with a Dice below
        the minimum, is none. Returns the Dice and a span per occurrence where the run is found.
        """
        found: dict[tuple[str, ...], dict[int, tuple[int, int]]] = defaultdict(dict)
        for index, occurrence in enumerate(occurrences[:_COOCCURRENCE_MAX_OCCURRENCES]):
            words = self.units[occurrence.unit].words
            for first, word in enumerate(words):
                if not word.is_content or word.joined_to_previous:
                    continue
                stems: list[str] = []
                for last in range(first, min(len(words), first + _COOCCURRENCE_MAX_WORDS)):
                    if not words[last].text[0].isalnum():
                        break
                    stems.append(words[last].stem)
                    ends_compound = last + 1 >= len(words) or not words[last + 1].joined_to_previous
                    if words[last].is_content and ends_compound:
                        found[tuple(stems)].setdefault(index, (first, last + 1))
        best: tuple[float, tuple[str, ...]] | None = None
        for key, places in found.items():
            if len(places) < 2:
                continue
            with_key = self.units_containing(key)
            together = len(with_key & term_units)
            if together < 2:
                continue
            dice = 2 * together / (len(term_units) + len(with_key))
            if dice >= _COOCCURRENCE_MIN_DICE and (best is None or (dice, len(key)) > (best[0], len(best[1]))):
                best = (dice, key)
        if best is None:
            return None
        dice, key = best
        spans = {
            index: SpanScore(key, occurrences[index].unit, first, last, dice)
            for index, (first, last) in found[key].items()
        }
        return dice, spans

    def _units_with_any(self, keys: set[tuple[str, ...]]) -> frozenset[int]:
        if len(keys) == 1:
            return self.units_containing(next(iter(keys)))
        return frozenset().union(*(self.units_containing(key) for key in keys))

    def _extend_collocation(self, ranked: list[tuple[float, tuple[str, ...]]], term_units: frozenset[int],
                            full_keys: dict[tuple[str, ...], set[tuple[str, ...]]]
                            ) -> list[tuple[float, tuple[str, ...]]]:
        """Prefer a longer span that goes with the term as faithfully as the best one does.

        Translators add head nouns no dictionary explains (十二五: Twelfth Five-Year | Plan); when the
        longer span recurs with the term nearly wherever the best span does, it is the rendering.
        """
        best_value, best_key = ranked[0]
        best_together = len(self._units_with_any(full_keys[best_key]) & term_units)
        choice: tuple[float, tuple[str, ...]] | None = None
        for value, key in ranked[1:]:
            # Counted in words, function words included: a head noun, not a prepositional phrase.
            extra = min(map(len, full_keys[key])) - min(map(len, full_keys[best_key]))
            if not 0 < extra <= _MAX_EXTENSION_WORDS or not _contains(key, best_key):
                continue
            if value < _EXTENSION_MIN_VALUE * best_value:
                continue
            together = len(self._units_with_any(full_keys[key]) & term_units)
            faithful = together >= 2 and together >= _EXTENSION_MIN_SHARE * best_together
            if faithful and (choice is None or len(key) > len(choice[1])):
                choice = (value, key)
        if choice is None:
            return ranked
        return [(best_value, choice[1])] + [item for item in ranked if item[1] != choice[1]]

    def _complete_noun_phrase(self, ranked: list[tuple[float, tuple[str, ...]]],
                              per_key: dict[tuple[str, ...], dict[int, SpanScore]]
                              ) -> list[tuple[float, tuple[str, ...]]]:
        """Prefer the best rendering plus the noun that ends its noun phrase, when that fits as well.

        Translators add head nouns no dictionary explains (backward production | facilities, Stock
        | Connect): a rendering that stops on a modifier is cut short. The longer one is preferred when
        it is found in at least half the sentences the best one is, and its spans score within 15% of
        the best one's there (the runner-up discount of the ranking does not apply to this test).
        """
        best_value, best_key = ranked[0]
        best_spans = per_key[best_key]
        for _, key in ranked[1:4]:
            if len(key) != len(best_key) + 1 or key[:-1] != best_key:
                continue
            spans = per_key[key]
            shared = [index for index in spans if index in best_spans]
            if len(shared) * 2 < len(best_spans):
                continue
            longer = sum(spans[index].score for index in shared)
            if longer < _NOUN_HEAD_MIN_SHARE * sum(best_spans[index].score for index in shared):
                continue
            span = spans[shared[0]]
            words = self.units[span.unit].words
            if span.last - span.first >= 2 and _cuts_noun_phrase(words[span.last - 2], words[span.last - 1]):
                return [(best_value, key)] + [item for item in ranked if item[1] != key]
        return ranked

    def _add_leading_modifier(self, ranked: list[tuple[float, tuple[str, ...]]],
                              per_key: dict[tuple[str, ...], dict[int, SpanScore]],
                              occurrences: Sequence[TermOccurrence]) -> list[tuple[float, tuple[str, ...]]]:
        """Prefer the best rendering with the modifier the translators put before it, where they do.

        No gloss gives it (农民工: rural | migrant workers), so no span opens on it. It must stand
        right before the rendering in most of the term's sentences, look like a modifier (an
        adjective, or a capitalized word before a capitalized name: Pilot | Free Trade Zone), and
        the word alignment must give it to the term, not to a word beside it.
        """
        if self._alignment is None:
            return ranked
        best_value, best_key = ranked[0]
        spans = per_key[best_key]
        if len(spans) < _MODIFIER_MIN_SENTENCES:
            return ranked
        places: dict[str, dict[int, int]] = defaultdict(dict)
        aligned: dict[str, float] = defaultdict(float)
        for index, span in spans.items():
            words = self.units[span.unit].words
            before = span.first - 1
            if before < 0 or not words[before].is_content or words[span.first].joined_to_previous:
                continue
            word, opening = words[before], words[span.first]
            if not (_ends_like_adjective(word.text) or (word.text[0].isupper() and opening.text[0].isupper())):
                continue
            occurrence = occurrences[index]
            places[word.stem][index] = before
            aligned[word.stem] += self._aligned_to(occurrence).get(before, 0.0)
        if not places:
            return ranked
        modifier = max(places, key=lambda word_stem: len(places[word_stem]))
        count = len(places[modifier])
        if (count < _MODIFIER_MIN_SENTENCES or count < _MODIFIER_MIN_SHARE * len(spans)
                or aligned[modifier] / count < _MODIFIER_MIN_ALIGNED):
            return ranked
        extended = {}
        for index, before in places[modifier].items():
            span = spans[index]
            extended[index] = SpanScore((modifier, *span.key), span.unit, before, span.last, span.score,
                                        span.explained)
        key = content_key(next(iter(extended.values())).key)
        per_key[key] = extended
        return [(best_value, key)] + [item for item in ranked if item[1] != key]

    def _surface(self, by_occurrence: dict[int, SpanScore]) -> str:
        if len(by_occurrence) == 1:  # most renderings: a term seen once, or found in one sentence
            span = next(iter(by_occurrence.values()))
            return self._span_text(span.unit, span.first, span.last)
        counts: dict[str, int] = defaultdict(int)
        for span in by_occurrence.values():
            counts[self._span_text(span.unit, span.first, span.last)] += 1
        return max(counts.items(), key=lambda item: (item[1], item[0]))[0]

    def _span_text(self, unit_index: int, first: int, last: int) -> str:
        """The English of words [first, last) of a unit as a term: with the function words its edges
        cannot do without (per capita, opening up), quotes dropped, a capital that only opens the
        sentence lowered. Memoized: nested terms and the re-choice ask for the same spans."""
        key = (unit_index, first, last)
        text = self._span_text_cache.get(key)
        if text is None:
            unit = self.units[unit_index]
            words = unit.words
            first, last = _rendering_edges(words, first, last)
            text = unit.target[words[first].start:words[last - 1].end]
            if _HAS_QUOTE.search(text):
                text = _SPACES.sub(" ", text.translate(_DROP_QUOTES)).strip()
            sentence_initial = first <= unit.first_word
            if sentence_initial and len(text) > 1 and text[0].isupper() and not text[1].isupper():
                text = text[0].lower() + text[1:]  # sentence-initial capital is not part of the term
            self._span_text_cache.keep(key, text)
        return text


def hand_order(candidates: Sequence[Candidate], limit: int) -> list[Equivalent]:
    """The first `limit` candidates as ranked by hand, with their hand scores."""
    return [Equivalent(c.text, round(min(1.0, c.value), 4), c.key) for c in candidates[:limit]]


@lru_cache(maxsize=1)
def _function_stems() -> frozenset[str]:
    return frozenset(map(stem, FUNCTION_WORDS))


@lru_cache(maxsize=200_000)
def content_key(key: tuple[str, ...]) -> tuple[str, ...]:
    """A span's stems without its function words: what renderings are compared and grouped by."""
    function_stems = _function_stems()
    return tuple(word_stem for word_stem in key if word_stem not in function_stems) or key


# English function words that a rendering keeps: a character glossed by them is a modifier of the
# term, not a particle.
_MEANINGFUL_FUNCTION_WORDS = frozenset({
    "all", "each", "every", "no", "not", "non", "none", "other", "another", "some", "any", "both", "more",
    "most", "per", "between", "without", "whole",
})


# A count before a rendering is the sentence's, not the term's (183 | dangerous reservoirs, 7,000 |
# schools with student dormitory facilities), unless the term holds a numeral itself (千家企业: 1,000
# enterprises). A year is not a count: 2008 Olympics.
_NUMERAL = re.compile(r"[0-9０-９一二三四五六七八九十百千万亿两零〇]")
_QUANTITY = re.compile(
    r"(?i)^(?:(?!(?:19|20)[0-9][0-9]$)[0-9][0-9,.]*|hundreds?|thousands?|millions?|billions?|trillions?)$")


@lru_cache(maxsize=65_536)
def _ends_like_adjective(word: str) -> bool:
    return _ADJECTIVE_ENDING.search(word.lower()) is not None


def _keep_best_parts(hits: list[tuple[int, int, int, float]]) -> None:
    """Keep, of one English word's hits (part, gloss, stem, value), those of the parts it renders best.

    A word renders one part of a term: "collective" is 集体 (collective), not also 林 by way of
    the character's gloss "a collection". Left to both, it would make "forest", the true rendering
    of 林, look like a word that explains nothing new.
    """
    best_of: dict[int, float] = {}
    for part, _, _, value in hits:
        if value > best_of.get(part, 0.0):
            best_of[part] = value
    if len(best_of) > 1:
        top = max(best_of.values()) - 0.01
        hits[:] = [hit for hit in hits if best_of[hit[0]] >= top]


# Spans open and close on content words, but a phrasal verb's particle belongs to its rendering:
# reform and opening up, phase out, lay off. Not when it opens a phrase of its own: up the value
# chain, out of poverty, up to 2 percent.
_PARTICLES = frozenset({"up", "out", "off"})
_OPENS_OWN_PHRASE = frozenset({"the", "a", "an", "of", "to", "from", "its", "their", "our", "this", "these",
                               "that", "those", "by"})


def _rendering_edges(words: Sequence[Word], first: int, last: int) -> tuple[int, int]:
    """Words [first, last) of a span widened by the function words its edges cannot do without."""
    return _with_opener(words, first), _past_particle(words, last)


def _with_opener(words: Sequence[Word], first: int) -> int:
    """`first`, moved back onto a "per" that the span's first word cannot do without (per capita)."""
    if first > 0 and words[first - 1].text.lower() == "per" and words[first].text[0].isalpha():
        return first - 1
    return first


def _past_particle(words: Sequence[Word], last: int) -> int:
    """`last` (exclusive), moved past a particle that completes the span's last word."""
    if last >= len(words) or last == 0:
        return last
    particle = words[last]
    if particle.text not in _PARTICLES or particle.joined_to_previous:
        return last
    before = words[last - 1]
    if not before.is_content or not before.text.isalpha():
        return last
    if last + 1 < len(words):
        following = words[last + 1].text
        if following.lower() in _OPENS_OWN_PHRASE or following[0].isdigit():
            return last
    return last + 1


def _cuts_noun_phrase(last: Word, following: Word) -> bool:
    """Would a rendering that ends on `last` stop inside a noun phrase that `following` ends?

    Not on an adjective (urban | areas), not before a plural noun it modifies (backward production |
    facilities), not inside a capitalized name (Shanghai-Hong Kong Stock | Connect).
    """
    if not following.is_content:
        return False
    if last.text[0].isupper() and following.text[0].isupper():
        return True
    return _ends_like_adjective(last.text) or _looks_plural(following.text)


@lru_cache(maxsize=65_536)
def _looks_plural(word: str) -> bool:
    return len(word) > 3 and word.islower() and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    return any(longer[i:i + len(shorter)] == shorter for i in range(len(longer) - len(shorter) + 1))


def link_competitively(spans_by_term: dict[int, list[list[SpanScore]]],
                       occurrences_by_term: Sequence[Sequence[TermOccurrence]],
                       order: Sequence[int], chosen_key: Callable[[int], tuple[str, ...] | None]
                       ) -> dict[int, list[list[SpanScore]]]:
    """Penalize spans that overlap English words already claimed by a stronger, non-nested term."""
    # unit -> word -> Chinese spans (start, end) of the terms that claimed it
    claims: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    adjusted: dict[int, list[list[SpanScore]]] = {}
    for term in order:
        occurrences = occurrences_by_term[term]
        new_lists = []
        changed = False
        for occurrence, spans in zip(occurrences, spans_by_term[term]):
            unit_claims = claims.get(occurrence.unit)
            if not unit_claims:
                new_lists.append(spans)
                continue
            # The words claimed by a term whose Chinese lies outside this occurrence, found once for
            # all of the occurrence's spans.
            start, end = occurrence.start, occurrence.end
            clashing = set()
            for word, claimants in unit_claims.items():  # a loop: any() over a generator cost a third of linking
                for z_start, z_end in claimants:
                    if end <= z_start or z_end <= start:
                        clashing.add(word)
                        break
            new_spans = []
            clashes = 0
            for span in spans:
                clash = not clashing.isdisjoint(range(span.first, span.last))
                clashes += clash
                new_spans.append(
                    SpanScore(span.key, span.unit, span.first, span.last, span.score * _OVERLAP_PENALTY,
                              span.explained)
                    if clash else span
                )
            if clashes:
                new_spans.sort(key=lambda span: -span.score)
                new_lists.append(new_spans)
                changed = True
            else:
                new_lists.append(spans)
        # An unchanged term keeps its very lists, so that callers can tell it need not be chosen again.
        adjusted[term] = new_lists if changed else spans_by_term[term]
        key = chosen_key(term)
        if key is None:
            continue
        for occurrence, spans in zip(occurrences, new_lists):
            for span in spans:
                if content_key(span.key) == key and span.score >= _MIN_CLAIM_SCORE:
                    for word in span.claimed:
                        claims[occurrence.unit][word].append((occurrence.start, occurrence.end))
                    break
    return adjusted
