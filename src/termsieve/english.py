"""English side: word tokens with offsets, stems, and the function words that may not end a term."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Hyphenated compounds are split into their parts ("high-end" -> high, end) so each part can match a
# gloss; offsets keep the original text recoverable.
# Word processors write U+2010 (hyphen) and U+2011 (non-breaking hyphen) for "-" in compounds.
_HYPHENS = "-\u2010\u2011"
# A number with separators is one word (1,000; 2.5; PM2.5): split, "1,000 enterprises" gave the rendering
# "000 enterprises", and the point of 2.5 was a sentence end no span crosses.
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.,][0-9]+)*(?:['’][A-Za-z]+)?|[,;:.!?()\"“”‘’\[\]]|[" + _HYPHENS + "]")
# Punctuation a term's English rendering never spans: sentence and clause ends, brackets. Quotes may
# sit inside one (“chain master” enterprises) and are left out of what is reported.
HARD_BREAKS = frozenset(";:.!?()[]")
QUOTES = frozenset('"“”‘’')

# Words that open a new clause or conjunct: what follows them is seldom still part of a term's
# rendering unless the term's own words come again ("energy conservation and emissions reduction").
CLAUSE_WORDS = frozenset([
    "and", "or", "but", "nor", ",",
    "will", "would", "shall", "should", "can", "could", "may", "might", "must",
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
    "which", "that", "who", "whose", "where", "when", "while", "so", "than",
])

# Closed-class English words: articles, prepositions, conjunctions, pronouns, auxiliaries.
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "into",
        "onto",
        "about",
        "as",
        "than",
        "and",
        "or",
        "nor",
        "but",
        "so",
        "yet",
        "this",
        "that",
        "these",
        "those",
        "its",
        "it",
        "their",
        "our",
        "we",
        "us",
        "you",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "i",
        "my",
        "your",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "where",
        "when",
        "while",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "not",
        "no",
        "also",
        "such",
        "other",
        "among",
        "including",
        "through",
        "across",
        "over",
        "under",
        "within",
        "without",
        "between",
        "both",
        "each",
        "every",
        "all",
        "any",
        "some",
        "more",
        "most",
        "very",
        "well",
        "further",
        "per",
        "via",
        "up",
        "out",
        "off",
        "there",
        "here",
        "then",
        "thus",
        "s",
    ]
)


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    start: int
    end: int
    stem: str
    is_content: bool
    joined_to_previous: bool  # the previous token is a hyphen inside a compound


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer  # hands out PyStemmer's compiled stemmer when it is installed

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower().replace("’", "'").split("'")[0])


def tokenize(text: str) -> list[Word]:
    """Words and punctuation of `text`; a hyphen between two words marks the second as joined."""
    words: list[Word] = []
    previous_hyphen_end = -1
    for match in _WORD.finditer(text):
        token = match.group()
        if token in _HYPHENS:
            if words and words[-1].end == match.start():
                previous_hyphen_end = match.end()
            continue
        joined = match.start() == previous_hyphen_end
        is_alnum = token[0].isalnum()
        lowered = token.lower()
        words.append(
            Word(
                text=token,
                start=match.start(),
                end=match.end(),
                stem=stem(token) if is_alnum else token,
                is_content=is_alnum and lowered not in FUNCTION_WORDS,
                joined_to_previous=joined,
            )
        )
    return words


def compound_heads(words: Sequence[Word]) -> tuple[int, ...]:
    """Per word: the index of the first word of its hyphenated compound (its own, standing alone)."""
    heads = []
    head = 0
    for index, word in enumerate(words):
        if not word.joined_to_previous:
            head = index
        heads.append(head)
    return tuple(heads)


@lru_cache(maxsize=100_000)
def gloss_stems(gloss: str) -> tuple[str, ...]:
    """Content-word stems of a dictionary gloss, without its parenthetical remarks."""
    cleaned = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", gloss)
    cleaned = re.sub(r"^\s*to\s+", "", cleaned)
    return tuple(
        stem(token)
        for token in re.findall(r"[A-Za-z0-9]+", cleaned)
        if token.lower() not in FUNCTION_WORDS and len(token) > 1
    )


_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z0-9]{0,7})\)")


def gloss_parts(gloss: str) -> list[str]:
    """The comma- or semicolon-separated parts of a gloss, without its bracketed remarks.

    "Beijing, capital of the People's Republic of China": each part stands alone.
    """
    return re.split(r"[,;]", re.sub(r"\([^)]*\)", " ", gloss))


def _abbreviation_variants(gloss: str) -> list[tuple[str, ...]]:
    return [(stem(abbreviation),) for abbreviation in _ABBREVIATION.findall(gloss)]


@lru_cache(maxsize=200_000)
def gloss_variants(gloss: str) -> tuple[tuple[str, ...], ...]:
    """Stems of a gloss, plus any abbreviation it gives in brackets: 'artificial intelligence (AI)'."""
    parts = [gloss_stems(part) for part in gloss_parts(gloss)]
    if len(parts) > 1 and ";" not in gloss and len({len(part) for part in parts}) == 1 and len(parts[0]) >= 2:
        # "one country, two systems": parts of one shape are one phrase, not alternatives.
        parts = [tuple(word_stem for part in parts for word_stem in part)]
    variants = parts + _abbreviation_variants(gloss)
    return tuple(variant for variant in variants if variant)


@lru_cache(maxsize=100_000)
def proper_name_variants(gloss: str) -> tuple[tuple[str, ...], ...]:
    """Stems of the names a proper-noun gloss opens with, part by part, and its abbreviations.

    "Shanghai municipality, central east China" gives (shanghai, municip) and (shanghai,): only
    parts that open with capitals count, with and without the lowercase words that follow the name.
    "Yangtze River, or Chang Jiang" gives (yangtz, river); "Internet of things (IoT)", a phrase, gives
    (internet, thing) and (iot,).
    """
    variants = []
    for part in gloss_parts(gloss):
        tokens = re.findall(r"[A-Za-z0-9]+", part)
        length = 0
        while length < len(tokens) and (tokens[length][0].isupper() or tokens[length].isdigit()):
            length += 1
        if length < len(tokens) and tokens[length].lower() in FUNCTION_WORDS:
            # "Internet of things" is a phrase, not the name "Internet" followed by a description.
            name = gloss_stems(part)
        else:
            name = tuple(stem(token) for token in tokens[:length])
            if name and length < len(tokens):
                # The words after the name may be part of it (Qinghai-Tibet railway) as well as a
                # description (Shanghai municipality): both readings stand.
                variants.append(gloss_stems(part))
        if name:
            variants.append(name)
    return tuple(variants + _abbreviation_variants(gloss))
