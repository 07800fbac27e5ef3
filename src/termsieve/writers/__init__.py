"""Writers of extraction results, chosen by format name or extension in one registry.

Public API: `write_extraction(extraction, path, format=None, *, glossary=None, new_only=False)`.
Glossary export formats (TBX, CSV, JSON, XLSX) also live in this package; `termsieve.glossary`
registers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..dictionary import CREDIT
from ..model import Glossary, GlossaryEntry, Status
from ..registry import Registry
from ..results import Extraction, TermResult

CC_CEDICT_CREDIT = CREDIT  # one wording of the credit, kept where the dictionary is read
MAX_ALTERNATIVES = 3

# Columns of the flat term lists (TSV, CSV) and keys of each JSON term; a contract for scripts.
EXTRACTION_COLUMNS = (
    "source",
    "source_simplified",
    "target",
    "score",
    "alternatives",
    "frequency",
    "location",
    "variants",
    "termhood",
    "glossary_status",
    "glossary_target",
    "alternative_scores",
)

WRITERS = Registry("output", option=None)
WRITERS.register("tsv", "termsieve.writers.tables:write_tsv", [".tsv"])
WRITERS.register("csv", "termsieve.writers.tables:write_csv", [".csv"])
WRITERS.register("json", "termsieve.writers.tables:write_json", [".json"])
WRITERS.register("xlsx", "termsieve.writers.review_workbook:write_review_workbook", [".xlsx"])


@dataclass(frozen=True)
class GlossaryMark:
    """What a glossary already says about an extracted term."""

    status: str  # the strongest glossary status for the term: preferred, admitted, ..., rejected
    target: str  # the glossary's allowed target (preferred first), else the first target listed
    summary: str  # every entry, e.g. "preferred: Belt and Road Initiative; forbidden: OBOR"


def write_extraction(extraction: Extraction, path: str | Path, format: str | None = None, *,
                     glossary: Glossary | None = None, new_only: bool = False) -> None:
    """Write an extraction as .tsv, .csv, .json or .xlsx (the review workbook), atomically.

    Terms the glossary already has are marked with its status; `new_only` leaves them out instead.
    """
    writer = WRITERS.get(format or WRITERS.name_for_path(path))
    marks = glossary_marks(extraction.terms, glossary)
    if new_only:
        extraction = Extraction(
            terms=tuple(term for term in extraction.terms if term.source_simplified not in marks),
            inputs=extraction.inputs,
            signature=extraction.signature,
            pair_count=extraction.pair_count,
        )
    writer(extraction, path, marks=marks)


def glossary_marks(terms: tuple[TermResult, ...], glossary: Glossary | None) -> dict[str, GlossaryMark]:
    """Simplified source -> mark, for the terms the glossary has (by key or by a variant)."""
    if not glossary:
        return {}
    by_form: dict[str, list[GlossaryEntry]] = {}
    for entry in glossary.entries:
        for form in (entry.source, *entry.variants):
            by_form.setdefault(form, []).append(entry)
    marks: dict[str, GlossaryMark] = {}
    for term in terms:
        entries = by_form.get(term.source_simplified) or by_form.get(term.source)
        if entries:
            marks[term.source_simplified] = _mark(entries)
    return marks


def _mark(entries: list[GlossaryEntry]) -> GlossaryMark:
    order = list(Status)
    entries = sorted(set(entries), key=lambda entry: (order.index(entry.status), entry.targets))
    allowed = [entry for entry in entries if entry.status.is_allowed]
    chosen = allowed[0] if allowed else entries[0]
    summary = "; ".join(
        f"{entry.status.value}: {' | '.join(entry.targets)}" if entry.targets else entry.status.value
        for entry in entries
    )
    return GlossaryMark(status=chosen.status.value, target=chosen.targets[0] if chosen.targets else "",
                        summary=summary)


def alternative_targets(term: TermResult) -> list[str]:
    return [alternative.target for alternative in term.alternatives[:MAX_ALTERNATIVES]]


def term_record(term: TermResult, mark: GlossaryMark | None) -> dict[str, object]:
    """One term as EXTRACTION_COLUMNS -> value (alternatives and variants as lists)."""
    return {
        "source": term.source,
        "source_simplified": term.source_simplified,
        "target": term.target,
        "score": round(term.score, 3),
        "alternatives": alternative_targets(term),
        "frequency": term.frequency,
        "location": str(term.location),
        "variants": list(term.variants),
        "termhood": round(term.termhood, 3),
        "glossary_status": mark.status if mark else "",
        "glossary_target": mark.target if mark else "",
        "alternative_scores": [round(alternative.score, 3) for alternative in term.alternatives[:MAX_ALTERNATIVES]],
    }


def metadata(extraction: Extraction) -> dict[str, object]:
    return {
        "signature": dict(extraction.signature),
        "inputs": [{"path": item.path, "sha256": item.sha256, "format": item.format} for item in extraction.inputs],
        "pairs": extraction.pair_count,
        "terms": len(extraction.terms),
        "dictionary_credit": CC_CEDICT_CREDIT,
    }


def sorted_terms(terms: tuple[TermResult, ...]) -> list[TermResult]:
    """Best first: score, then frequency, then the source for a stable order."""
    return sorted(terms, key=lambda term: (-term.score, -term.frequency, term.source_simplified))


__all__ = ["CC_CEDICT_CREDIT", "EXTRACTION_COLUMNS", "WRITERS", "GlossaryMark", "write_extraction"]
