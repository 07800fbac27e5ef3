"""English phrase structure: part-of-speech tags and base chunks (noun, verb, prepositional phrases).

A term's rendering is usually a noun phrase, and the matcher's commonest near misses run over its
edge: a verb after it ("capital adequacy rate | increased"), a verb before it ("rein in | speculative
housing purchases"), a modifier left out ("dangerous | reservoirs" cut to "reservoirs"). Word lists
cannot tell "increased" the verb from "increased" the adjective; a tagger that reads the context can.

The tagger is Pattern's (Brill's rule-based tagger with its lexicon, morphological and contextual rules,
and a rule-based chunker), as shipped inside TextBlob's wheel: it runs offline on data installed with
the package, about 140,000 tokens a second here. Only TextBlob's `_text` module is loaded, from its
file: importing the `textblob` package would import NLTK, which costs half a second of start-up and
is not used.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from .english import Word, compound_heads

# Penn Treebank tags of finite verbs (and modals): what a term's English rendering rarely holds.
FINITE_VERB_TAGS = frozenset(["VB", "VBD", "VBZ", "VBP", "MD"])
# Words that may open a noun phrase before its rendering starts without cutting it: "the | capital
# adequacy rate", "its | governance system".
_DETERMINER_TAGS = frozenset(["DT", "PDT", "PRP$", "WDT", "CD"])
_OUTSIDE = -1


@dataclass(frozen=True)
class Phrases:
    """Per word of a unit (termsieve.english.Word): its tag, and the chunk it belongs to."""

    tags: tuple[str, ...]
    chunk_kinds: tuple[str, ...]  # "NP", "VP", "PP", "ADJP"...; "" outside any chunk
    chunk_ids: tuple[int, ...]  # words of one chunk share an id; -1 outside any chunk

    def cuts_chunk_after(self, last: int) -> bool:
        """Does a span ending before word `last` stop inside a chunk (a noun phrase cut short)?"""
        return (0 < last < len(self.chunk_ids) and self.chunk_ids[last] != _OUTSIDE
                and self.chunk_ids[last] == self.chunk_ids[last - 1])

    def cuts_chunk_before(self, first: int) -> bool:
        """Does a span opening on word `first` leave out words of its chunk other than determiners?"""
        if not 0 <= first < len(self.chunk_ids) or self.chunk_ids[first] == _OUTSIDE:
            return False
        chunk = self.chunk_ids[first]
        k = first - 1
        while k >= 0 and self.chunk_ids[k] == chunk:
            if self.tags[k] not in _DETERMINER_TAGS:
                return True
            k -= 1
        return False


def phrases(text: str, words: Sequence[Word]) -> Phrases:
    """Tags and chunks of a unit's English `text`, whose tokens are `words` (english.tokenize).

    A hyphenated compound (high-end, Qinghai-Tibet) is tagged as one token, and its parts share the
    tag: split, "based" of "Internet-based" would be read as a verb.
    """
    if not words:
        return Phrases((), (), ())
    heads = compound_heads(words)
    starts = [index for index, head in enumerate(heads) if head == index]
    ends = [*starts[1:], len(words)]
    tokens = [text[words[start].start:words[end - 1].end].replace(" ", "_") for start, end in zip(starts, ends)]
    parser = _parser()
    tagged = parser.find_chunks(parser.find_tags(tokens, map=_keep_tag))
    by_head: dict[int, tuple[str, str, int]] = {}  # a compound's first word -> tag, chunk kind, chunk id
    chunk = _OUTSIDE
    previous_kind = ""
    for start, (_, tag, label, *_) in zip(starts, tagged):
        kind = "" if label == "O" else label[2:]
        if kind and (label.startswith("B-") or kind != previous_kind):
            chunk += 1
        previous_kind = kind
        by_head[start] = (tag, kind, chunk if kind else _OUTSIDE)
    tags, kinds, ids = zip(*(by_head[head] for head in heads))
    return Phrases(tags, kinds, ids)


def load_tagger() -> None:
    """Load the tagger's lexicon now: before worker processes are forked, so that they share it."""
    _parser().find_tags(["."], map=_keep_tag)


def _keep_tag(token: str, tag: str) -> tuple[str, str]:
    return token, tag


@lru_cache(maxsize=1)
def _parser():
    pattern = _pattern_module()
    data = os.path.join(os.path.dirname(pattern.__file__), "en")

    class CachedLexicon(pattern.Lexicon):
        def load(self) -> None:
            from .cache import cached

            # Parsing the 94,000-line lexicon costs 0.15 s; the cached dict loads in a tenth of that.
            dict.update(self, cached("pattern-lexicon", [self._path], self._parse))

        def _parse(self) -> dict[str, str]:
            return dict(line.split(" ")[:2] for line in pattern._read(self._path) if line.strip())

    lexicon = CachedLexicon(
        path=os.path.join(data, "en-lexicon.txt"),
        morphology=os.path.join(data, "en-morphology.txt"),
        context=os.path.join(data, "en-context.txt"),
        entities=os.path.join(data, "en-entities.txt"),
        language="en",
    )
    return pattern.Parser(lexicon=lexicon, default=("NN", "NNP", "CD"), language="en")


def _pattern_module() -> ModuleType:
    name = "termsieve._textblob_text"
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec("textblob")  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("termsieve needs the textblob package (pip install textblob)")
    path = os.path.join(next(iter(spec.submodule_search_locations)), "_text.py")
    module_spec = importlib.util.spec_from_file_location(name, path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    module_spec.loader.exec_module(module)
    return module
