"""Re-ranking a term's candidate renderings with a small learned model.

The span scorer (termsieve.matching) ranks a term's English candidates by hand-set rules. Those rules
leave signals unweighed that tell a whole rendering from a piece of one: whether a span stops right
before a content word, whether the word alignment gives the term words just outside the span, how
much of the term's alignment mass lies inside it. A conditional logit model (a softmax over one
term's candidates) weighs them against the hand score. Its candidates are the hand ranking's best
eight, among them a span the word alignment offers where the glosses found none like it.

The weights live in `reranker.json` beside this module. `benchmarks/train_reranker.py` fits them on
the hand-built development lists (`benchmarks/dev/`, five lists of government work report terms,
1,056 terms), each term's candidates taken twice: from the TMX file, and from the report re-joined
into paragraphs that termsieve splits and aligns itself (2,112 rows). It reports leave-one-report-out
accuracy; the file records what it was trained on. The
model knows no words: its features are scores, shares and positions, so it carries no vocabulary
of the reports it was fitted on.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

FEATURES = (
    "value",         # the hand score of the candidate
    "gap",           # the hand score of the hand-ranked best minus this one's
    "hand_best",     # 1 for the candidate the hand rules put first
    "hand_trusted",  # ... when its hand score is 0.9 or more (such targets were right 97% of the time)
    "key_words",     # content words in the candidate
    "extends_best",  # 1 when the candidate contains the hand-ranked best and is longer
    "share",         # share of the term's scored occurrences with a span of this candidate
    "span_mean",     # mean span score over those occurrences
    "span_max",      # best span score
    "aligned_share",  # share of the term's alignment mass (over content words) inside the span
    "aligned_outside",  # highest alignment of a content word within three words outside the span
    "aligned_high",  # share of the span's content words aligned to the term at more than 0.3
    "aligned_mean",  # mean alignment of the span's content words to the term
    "aligned_before",  # alignment of the content word just before the span
    "aligned_after",  # ... just after it
    "cut_right",     # 1 when a content word follows the span: a noun phrase cut short
    "adjective_before",  # 1 when an adjective-like word comes just before the span
    "verb_before",   # 1 when a verb comes just before the span
    "comma",         # 1 when the span holds a comma
    "words",         # words in the span, function words included
    "head_inside",   # share of spans holding a gloss hit of the term's last word, where the sentence has
                     # one (0.5 where it has none, or the term is one dictionary word)
    "opening_inside",  # ... of its first word
    "claimed_elsewhere",  # share of the span's content words that render (by the dictionary) a Chinese
                          # word of the sentence outside the term: another word's rendering, not this one's
    # English phrase structure, from a part-of-speech tagger and chunker (termsieve.phrases):
    "chunk_cut_right",  # 1 when the span stops inside a chunk (rural cooperative medical care | system)
    "chunk_cut_left",  # 1 when it leaves out words of its first chunk other than determiners
    "finite_verb_share",  # share of the span's content words tagged as finite verbs
    "verb_phrase_share",  # share of them inside verb phrases
    "ends_on_finite_verb",  # 1 when its last content word is a finite verb (rate | increased)
    "opens_on_verb",  # 1 when its first content word is a finite verb or a gerund (making | adjustments)
    "ends_on_noun",  # 1 when its last content word is a noun
    "chunks",  # chunks the span touches
    "from_alignment",  # 1 for a span the word alignment offered, not the glosses (Matcher._add_aligned_spans)
    "position_gap",  # distance between the span's and the term's relative places in their unit: in a
                     # paragraph kept whole, the English sentence that renders the term's sits near where
                     # the term sits in the Chinese
)


@dataclass(frozen=True)
class Reranker:
    """A linear scorer over standardized features; softmax over one term's candidates."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """The model's probability that each candidate is the term's rendering (they sum to 1)."""
        if len(rows) < 2:
            return [1.0] * len(rows)
        coefficients, offset = self._linear
        logits = [sum(map(operator.mul, coefficients, row)) - offset for row in rows]
        top = max(logits)
        exps = [math.exp(logit - top) for logit in logits]
        total = sum(exps)
        return [value / total for value in exps]

    @cached_property
    def _linear(self) -> tuple[tuple[float, ...], float]:
        """The weights folded with the standardization: logit = coefficients . row - offset."""
        coefficients = tuple(w / s for w, s in zip(self.weights, self.scale))
        return coefficients, sum(c * m for c, m in zip(coefficients, self.mean))

    def to_json(self, metadata: dict | None = None) -> str:
        return json.dumps({
            "features": list(FEATURES),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            **({"trained": metadata} if metadata else {}),
        }, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Reranker:
        data = json.loads(text)
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"reranker weights are for features {data['features']}, not {list(FEATURES)}")
        lengths = {len(data[name]) for name in ("mean", "scale", "weights")}
        if lengths != {len(FEATURES)}:
            raise ValueError("reranker weights: mean, scale and weights must have one value per feature")
        if any(value <= 0 for value in data["scale"]):
            raise ValueError("reranker weights: every scale must be positive")
        return cls(tuple(data["mean"]), tuple(data["scale"]), tuple(data["weights"]))


def blended_score(hand_score: float, probability: float) -> float:
    """The score reported for a candidate: the mean of its hand score (capped at 1) and the model's
    probability for it, which tells right from wrong better than either alone."""
    return (min(1.0, hand_score) + probability) / 2


@lru_cache(maxsize=1)
def default_reranker() -> Reranker:
    """The model shipped with the package."""
    return Reranker.from_json(resources.files(__package__).joinpath("reranker.json").read_text("utf-8"))
