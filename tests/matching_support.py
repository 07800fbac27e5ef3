"""Small sentence pairs and a fixed word alignment for tests of the matcher and its re-ranker."""

from __future__ import annotations

from termsieve import dictionary
from termsieve.english import tokenize
from termsieve.matching import Matcher, TermMatch, TermOccurrence, make_unit

URBAN_EMPLOYMENT = "We will create more employment in urban areas."


def make_units(pairs):
    """Matcher units from (Chinese words, English sentence) pairs."""
    return [make_unit("".join(words), english, tokenize(english)) for words, english in pairs]


class FixedAlignment:
    """What a trained alignment would say for one sentence: English word index -> probability."""

    def __init__(self, posteriors, chinese_words=()):
        self.posteriors = posteriors
        self.words = tuple(chinese_words)  # (start, end) of each Chinese word, for every unit

    def aligned(self, unit_index, start, end):
        return self.posteriors

    def chinese_words(self, unit_index):
        return self.words


def word_index(sentence: str, word: str) -> int:
    return [token.text for token in tokenize(sentence)].index(word)


def choose_urban_employment(alignment=None, matcher_class=Matcher, **options) -> TermMatch:
    """城镇就业 in "We will create more employment in urban areas.", chosen by a matcher with `options`."""
    matcher = matcher_class(make_units([(["城镇", "就业"], URBAN_EMPLOYMENT)]), dictionary.lookup, alignment, **options)
    occurrence = TermOccurrence(0, 0, 4)
    return matcher.choose([occurrence], [matcher.occurrence_spans(("城镇", "就业"), "城镇就业", occurrence)])
