"""What extraction produces: terms with their English equivalents, alternatives and contexts.

read -> SegmentPair / Corpus (termsieve.model) -> extract -> TermResult / Extraction -> write
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import InputFile, Location


@dataclass(frozen=True)
class Span:
    """Half-open character range [start, end) in a string."""

    start: int
    end: int


@dataclass(frozen=True)
class Context:
    """One occurrence of a term, with its aligned sentences and the matched spans highlighted."""

    source_sentence: str
    target_sentence: str
    source_span: Span
    target_span: Span | None
    location: Location
    target_found: str = ""


@dataclass(frozen=True)
class Alternative:
    target: str
    score: float


@dataclass(frozen=True)
class TermResult:
    """One extracted (or given) source term with its best English equivalent."""

    source: str  # as written, the most frequent written form
    source_simplified: str
    target: str  # "" when no equivalent was found
    score: float  # in [0, 1]
    alternatives: tuple[Alternative, ...]
    frequency: int
    location: Location  # first occurrence
    variants: tuple[str, ...] = ()  # every written form, e.g. Traditional and Simplified
    termhood: float = 0.0
    contexts: tuple[Context, ...] = ()


@dataclass(frozen=True)
class Extraction:
    """The whole result of one extract run, with what is needed to reproduce it."""

    terms: tuple[TermResult, ...]
    inputs: tuple[InputFile, ...]
    signature: dict[str, str] = field(default_factory=dict)  # segmenter, dictionary, thresholds, version
    pair_count: int = 0
