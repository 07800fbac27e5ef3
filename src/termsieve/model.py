"""Small frozen data classes passed between the pipeline's stages.

read -> SegmentPair / Corpus -> extract -> TermResult / Extraction (in termsieve.results) -> write
glossary files -> Glossary / GlossaryEntry -> check -> Finding

What extraction produces lives in termsieve.results, so that `termsieve check`, which never extracts,
does not pay for creating those classes at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True, order=True)
class Location:
    """Where a piece of text came from: 1-based line (and column), or a spreadsheet cell."""

    path: str
    line: int = 0
    column: int = 0
    cell: str = ""  # "Sheet!B3" for spreadsheets; takes the place of line:col when set

    def __str__(self) -> str:
        if self.cell:
            return f"{self.path}:{self.cell}"
        if self.column:
            return f"{self.path}:{self.line}:{self.column}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


class Granularity(str, Enum):
    """How finely a reader already aligned a pair; paragraphs still need sentence alignment."""

    SEGMENT = "segment"
    PARAGRAPH = "paragraph"


@dataclass(frozen=True)
class SegmentPair:
    """One aligned unit of Chinese source and English target, as written in the input."""

    source: str
    target: str
    source_location: Location
    target_location: Location
    granularity: Granularity = Granularity.SEGMENT
    key: str = ""  # resource key for key-aligned formats (JSON/YAML/PO/XLIFF); empty otherwise


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str
    format: str


@dataclass(frozen=True)
class Corpus:
    """What the readers produce: the pairs, and which files in which format they came from."""

    pairs: tuple[SegmentPair, ...]
    inputs: tuple[InputFile, ...]
    # Rows or units with text in one language only (untranslated), which give no pair.
    one_sided: tuple[Location, ...] = ()


class Status(str, Enum):
    """Glossary entry status, in the order rows sort by."""

    PREFERRED = "preferred"
    ADMITTED = "admitted"
    DEPRECATED = "deprecated"
    FORBIDDEN = "forbidden"
    REJECTED = "rejected"

    @property
    def is_allowed(self) -> bool:
        return self in (Status.PREFERRED, Status.ADMITTED)

    @property
    def is_banned(self) -> bool:
        return self in (Status.DEPRECATED, Status.FORBIDDEN)


@dataclass(frozen=True)
class GlossaryEntry:
    """One source term with one status and the target renderings that have it.

    A term whose preferred rendering sits beside a forbidden one is two entries with the same
    `source`: one preferred, one forbidden.
    """

    source: str  # Simplified form: the key
    targets: tuple[str, ...]
    status: Status
    variants: tuple[str, ...] = ()  # written forms other than the key (e.g. Traditional)
    note: str = ""
    reference: str = ""  # where it came from: file:line, a document, a review workbook
    date: str = ""  # ISO date of the last decision


@dataclass(frozen=True)
class Glossary:
    entries: tuple[GlossaryEntry, ...]

    def for_source(self, source_simplified: str) -> tuple[GlossaryEntry, ...]:
        return tuple(e for e in self.entries if e.source == source_simplified)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, order=True)
class Finding:
    """One QA finding of `termsieve check`."""

    location: Location
    code: str  # missing / forbidden / inconsistent / untranslated
    message: str
    severity: Severity = Severity.ERROR
