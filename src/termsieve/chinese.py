"""Chinese text: script normalization (OpenCC) and word segmentation (jieba or pkuseg).

Everything downstream works on the Simplified form. OpenCC's `t2s` conversion maps one character to
one character, so offsets in the Simplified text are offsets in the text as written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

from .cjk import ASCII_FORMS, KEPT_FULL_WIDTH, is_cjk_char
from .errors import MissingDependencyError
from .lexicon import WordTable, bucket_strings


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified form of `text`, always of the same length, so offsets in it are offsets in `text`."""
    converted = _t2s().convert(text)
    # A phrase-level mapping could change the length; then convert character by character.
    return converted if len(converted) == len(text) else to_simplified_by_character(text)


def to_simplified_by_character(text: str) -> str:
    return "".join(_t2s().convert(char) or char for char in text)


# Half-width punctuation and its full-width twin are the same mark to a terminologist.
# Full-width forms of ASCII (＋, ５Ｇ, ２０２５) read as ASCII, except the punctuation Chinese writes
# full-width, which reads as full-width however it is written.
_FULL_WIDTH = {**ASCII_FORMS, **str.maketrans(",;:()!?", KEPT_FULL_WIDTH)}


def search_form(text: str) -> tuple[str, list[int]]:
    """`text` as terms are searched in it, and where each of its characters stands in `text`.

    Whitespace between two CJK characters is dropped (spaced-out titles: 政 府 工 作), ASCII
    punctuation is read as its full-width form and full-width letters, digits and signs as ASCII, so a
    glossary term matches however the text spaces or punctuates it.
    """
    characters: list[str] = []
    offsets: list[int] = []
    length = len(text)
    for index, char in enumerate(text):
        if char.isspace() and characters and is_cjk_char(characters[-1]):
            following = index + 1
            while following < length and text[following].isspace():
                following += 1
            if following < length and is_cjk_char(text[following]):
                continue
        characters.append(char.translate(_FULL_WIDTH))
        offsets.append(index)
    return "".join(characters), offsets


# Marks a glossary may write where the text leaves them out, or the other way round: enumeration
# commas (大众创业、万众创新 / 大众创业万众创新), middle dots, quotation and title marks.
_OPTIONAL_MARKS = frozenset("、·•‧“”‘’「」『』《》〈〉\"'")


def relaxed_search_form(text: str) -> tuple[str, list[int]]:
    """`search_form` without the marks a glossary and a text may disagree on, with the offsets into
    `text` of the characters kept: the search for a term found nowhere as written."""
    form, offsets = search_form(text)
    kept = [index for index, char in enumerate(form) if char not in _OPTIONAL_MARKS]
    return "".join(form[index] for index in kept), [offsets[index] for index in kept]


class Segmenter(str, Enum):
    JIEBA = "jieba"
    PKUSEG = "pkuseg"


class Token(NamedTuple):
    # A named tuple rather than a frozen dataclass: a corpus makes millions and this is faster.
    text: str
    start: int
    tag: str  # part of speech from the segmenter's dictionary; "x" when unknown

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _import_jieba():
    """jieba, imported without pkg_resources, which it uses only to open its own data files.

    Importing pkg_resources takes about 0.3 s (a quarter of jieba's start-up) and warns that it is
    deprecated; without it jieba opens the same files from its package directory.
    """
    import sys

    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


@lru_cache(maxsize=1)
def _dictionary_tags() -> WordTable:
    """Word -> part of speech from jieba's dictionary (what jieba.posseg parses at every import)."""
    jieba = _import_jieba()

    from .cache import cached

    dictionary_file = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")

    def parse() -> dict[str, str]:
        with open(dictionary_file, encoding="utf-8") as lines:
            return bucket_strings((parts[0], parts[2]) for parts in map(str.split, lines) if len(parts) == 3)

    return WordTable(cached("jieba-tag-table", [dictionary_file], parse))


def _loaded_tokenizer(jieba) -> tuple[object, _PrefixFiller | None]:
    """A jieba tokenizer whose prefix dictionary comes from termsieve's cache (jieba's own loads
    slower), and what fills that dictionary in as texts need it (None: jieba loaded it whole)."""
    from .cache import cached

    tokenizer = jieba.Tokenizer()
    try:
        dictionary_file = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
        total, singles, buckets = cached(
            "jieba-prefix-buckets", [dictionary_file],
            lambda: _prefix_buckets(*tokenizer.gen_pfdict(tokenizer.get_dict_file())),
        )
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = singles, total, True
        return tokenizer, _PrefixFiller(singles, buckets)
    except (AttributeError, OSError, TypeError, ValueError):
        tokenizer.initialize()  # a jieba whose internals differ: let it load itself
        return tokenizer, None


def _prefix_buckets(frequencies: dict[str, int], total: int) -> tuple[int, dict[str, int], dict[str, bytes]]:
    """jieba's prefix dictionary as stored in the cache: the total, the single characters, and the
    longer entries grouped by their first two characters (first -> marshalled {second -> marshalled
    {entry: frequency}})."""
    import marshal

    singles = {}
    grouped: dict[str, dict[str, dict[str, int]]] = {}
    for entry, frequency in frequencies.items():
        if len(entry) == 1:
            singles[entry] = frequency
        else:
            grouped.setdefault(entry[0], {}).setdefault(entry[1], {})[entry] = frequency
    buckets = {first: marshal.dumps({second: marshal.dumps(entries) for second, entries in by_second.items()})
               for first, by_second in grouped.items()}
    return total, singles, buckets


class _PrefixFiller:
    """Fills jieba's prefix dictionary with the entries that open with a pair of characters of the
    text about to be cut.

    jieba only ever looks up pieces of the text it cuts, so they are found as in the whole
    dictionary; unmarshalling the whole of it (500,000 entries) took about 0.25 s a run, and one
    report's pairs of characters need a tenth of it.
    """

    def __init__(self, frequencies: dict[str, int], buckets: dict[str, bytes]):
        self._frequencies = frequencies
        self._buckets = buckets
        self._by_first: dict[str, dict[str, bytes]] = {}
        self._done: set[str] = set()

    def cover(self, text: str) -> None:
        import marshal

        pairs = {text[index:index + 2] for index in range(len(text) - 1)}
        pairs -= self._done
        self._done |= pairs
        for pair in pairs:  # in any order: no two pairs share an entry
            by_second = self._by_first.get(pair[0])
            if by_second is None:
                packed = self._buckets.get(pair[0])
                by_second = self._by_first[pair[0]] = marshal.loads(packed) if packed is not None else {}
            entries = by_second.get(pair[1])
            if entries is not None:
                # Each pair's entries come in once, before any word added by hand could share them.
                self._frequencies.update(marshal.loads(entries))


# jieba's dictionary tags many verb phrases as names (大力加强, 严格执行, 努力实现 as person names):
# taken for nouns, they let 大力加强县城 pass for a term.
_NAME_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})


class _DictionaryTags:
    """Word -> part of speech by jieba's dictionary, with its verb phrases tagged as names mended;
    a user's words are names ("nz")."""

    def __init__(self, user_words: Iterable[str] = ()):
        self._user_words = frozenset(user_words)
        self._table = _dictionary_tags().with_overrides(dict.fromkeys(self._user_words, "nz"))
        self._mended: dict[str, str] = {}

    def tag(self, word: str) -> str:
        tag = self._table.get(word, "x")
        if tag not in _NAME_TAGS or word in self._user_words:
            return tag
        mended = self._mended.get(word)
        if mended is None:
            mended = self._mended[word] = _verb_tagged_as_name(word, tag, self._table)
        return mended


def _verb_tagged_as_name(word: str, tag: str, table: WordTable) -> str:
    """The tag of a dictionary word jieba tags as a name: "v" when it is an adverb or adjective
    followed by a verb (大力 | 加强, 严格 | 执行), else the name tag as it stands. Verbal set phrases
    (科教兴国, 防沙治沙) are terms and keep it; so does a name CC-CEDICT knows (a capitalized gloss).
    On nine government work reports this took out 120 rows (严格执行, 大力支持社会资本兴办, 努力提高行政效能)
    and brought in 43 (行政效能, 全民健身运动 for 广泛开展全民健身运动) of 38,559; 2 more of the
    development lists' 1,416 terms were found, none lost."""
    from .dictionary import lookup

    if any(gloss[:1].isupper() for gloss in lookup(word)):
        return tag
    for cut in range(1, len(word)):
        if table.get(word[cut:]) == "v" and _is_modifier(word[:cut], table, lookup):
            return "v"
    return tag


def _is_modifier(word: str, table: WordTable, lookup: Callable[[str], tuple[str, ...]]) -> bool:
    """An adverb or adjective by jieba's tag, or by CC-CEDICT's glosses (大力: energetically, vigorously)."""
    if table.get(word) in ("a", "ad", "d"):
        return True
    glosses = lookup(word)
    return bool(glosses) and all(gloss.endswith("ly") for gloss in glosses)


class _JiebaBackend:
    def __init__(self, user_words: Iterable[str]):
        jieba = _import_jieba()
        jieba.setLogLevel(30)  # logging.WARNING, without importing logging on the check path
        self._tokenizer, self._filler = _loaded_tokenizer(jieba)
        # The POS tagger itself is slow; the dictionary's own tags are enough for boundary decisions.
        user_words = list(user_words)
        for word in user_words:
            self._cover(word)  # add_word cuts the word and must not be overwritten by its entries later
            self._tokenizer.add_word(word)
        self._tags = _DictionaryTags(user_words)

    def _cover(self, text: str) -> None:
        if self._filler is not None:
            self._filler.cover(text)

    def tokens(self, text: str) -> list[Token]:
        self._cover(text)
        tag = self._tags.tag
        return [Token(word, start, tag(word)) for word, start, _ in self._tokenizer.tokenize(text)]

    def words(self, text: str) -> list[str]:
        self._cover(text)
        return list(self._tokenizer.cut(text))


class _PkusegBackend:
    def __init__(self, user_words: Iterable[str]):
        try:
            import pkuseg
        except ImportError as error:
            raise MissingDependencyError(
                "the pkuseg segmenter is not installed; install it with: "
                "pip install numpy cython wheel && pip install --no-build-isolation pkuseg"
            ) from error


        words = sorted(set(user_words))
        # pkuseg's own tagger downloads its model on first use; the dictionary tags from jieba are
        # enough for term boundaries and ship with it.
        self._model = pkuseg.pkuseg(user_dict=words or "default", postag=False)
        self._tags = _DictionaryTags(words)

    def tokens(self, text: str) -> list[Token]:
        result: list[Token] = []
        position = 0
        for word in self._model.cut(text):
            start = text.find(word, position)
            if start < 0:  # pkuseg normalizes some characters; skip rather than misplace offsets
                continue
            result.append(Token(word, start, self._tags.tag(word)))
            position = start + len(word)
        return result

    def words(self, text: str) -> list[str]:
        return [token.text for token in self.tokens(text)]


_BACKENDS: dict[tuple[Segmenter, tuple[str, ...]], _JiebaBackend | _PkusegBackend] = {}


def get_segmenter(segmenter: Segmenter | str = Segmenter.JIEBA, user_words: Sequence[str] = ()):
    """A warmed-up segmenter backend; glossary terms passed as `user_words` join its dictionary."""
    kind = Segmenter(segmenter)
    key = (kind, tuple(sorted(set(user_words))))
    if key not in _BACKENDS:
        backend_class = _JiebaBackend if kind is Segmenter.JIEBA else _PkusegBackend
        _BACKENDS[key] = backend_class(key[1])
    return _BACKENDS[key]
