"""Reading review decisions back and merging them (or whole glossary files) into a glossary.

`import_into(glossary_path, sources)` is what `termsieve import` runs:

* a review workbook's approved rows become preferred entries (the reviewer's Approved target, else the
  Suggested target); rejected rows become rejected entries so later runs do not propose them again;
  candidate and needs-review rows are skipped;
* a glossary file (.tsv, .tbx, .csv, .json, .xlsx export) brings its entries in as they are;
* a decision that differs from what the glossary says replaces it, and the note records what it was
  ("was: preferred Belt and Road (2026-11-20)");
* two inputs that decide one term differently are a conflict: an error, and nothing is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import GlossaryError
from .glossary import join_list, make_entry, read_glossary, sort_glossary, split_list, write_glossary
from .model import Glossary, GlossaryEntry, Status
from .writers.review_workbook import REVIEW_COLUMNS, REVIEW_STATUSES, TERMS_SHEET

APPROVED = "approved"
REJECTED = "rejected"


@dataclass(frozen=True)
class Decision:
    """What one input says about one source term: the entries it should have (one per status)."""

    source: str  # Simplified key
    entries: tuple[GlossaryEntry, ...]
    origin: str  # "review.xlsx, sheet Terms, row 5" or "old.tbx"
    from_review: bool = False  # a reviewer's approve/reject, rather than a glossary file's entries


@dataclass(frozen=True)
class Conflict:
    source: str
    decisions: tuple[Decision, ...]

    def describe(self) -> str:
        parts = [f"{_describe_entries(decision.entries)} in {decision.origin}" for decision in self.decisions]
        return f"{self.source}: " + " vs ".join(parts)


@dataclass
class ImportSummary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: int = 0  # candidate and needs-review rows
    conflicts: list[Conflict] = field(default_factory=list)

    def line(self) -> str:
        return (f"{len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} unchanged, "
                f"{len(self.conflicts)} conflicts ({self.skipped} rows not yet decided)")


class ImportConflictError(GlossaryError):
    """Two inputs decide one term differently; the glossary is left as it was."""

    def __init__(self, conflicts: Sequence[Conflict], summary: ImportSummary):
        self.conflicts = tuple(conflicts)
        self.summary = summary
        listing = "\n  ".join(conflict.describe() for conflict in conflicts)
        super().__init__(f"{len(conflicts)} conflicting decision(s), nothing written:\n  {listing}")


# --- reading decisions ---


def read_decisions(path: str | Path, today: str) -> tuple[list[Decision], int]:
    """Decisions in one input, and how many review rows were left undecided.

    A .xlsx with a Terms sheet is a review workbook; anything else is read as a glossary file.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx" and _is_review_workbook(path):
        return read_review_workbook(path, today)
    glossary = read_glossary(path)
    grouped: dict[str, list[GlossaryEntry]] = {}
    for entry in glossary.entries:
        grouped.setdefault(entry.source, []).append(entry)
    return [Decision(source, tuple(entries), path.name) for source, entries in grouped.items()], 0


def read_review_workbook(path: str | Path, today: str) -> tuple[list[Decision], int]:
    """Approved and rejected rows of the Terms sheet; refuses altered headers and bad rows by row number."""
    from .writers.glossary_xlsx import cell_text, open_workbook

    path = Path(path)
    path_text = str(path)
    workbook = open_workbook(path)
    try:
        if TERMS_SHEET not in workbook.sheetnames:
            raise GlossaryError(f"no sheet named {TERMS_SHEET!r}; not a termsieve review workbook", path=path_text)
        rows = workbook[TERMS_SHEET].iter_rows(values_only=True)
        header = [cell_text(value).strip() for value in (next(rows, None) or ())]
        _check_review_header(header, path_text)
        column = {name: index for index, name in enumerate(REVIEW_COLUMNS)}
        decisions: list[Decision] = []
        undecided = 0
        seen_ids: dict[str, int] = {}
        for row_number, values in enumerate(rows, start=2):
            cells = [cell_text(value).strip() for value in values]
            cells += [""] * (len(REVIEW_COLUMNS) - len(cells))
            if not any(cells[: len(REVIEW_COLUMNS)]):
                continue
            where = f"sheet {TERMS_SHEET}, row {row_number}"

            def cell(name: str, cells=cells) -> str:
                return cells[column[name]]

            row_id = cell("ID")
            if not row_id:
                raise GlossaryError("empty ID", path=path_text, where=where)
            if row_id in seen_ids:
                raise GlossaryError(f"duplicate ID {row_id!r} (also row {seen_ids[row_id]})", path=path_text,
                                    where=where)
            seen_ids[row_id] = row_number
            status = (cell("Status") or "candidate").lower()
            if status not in REVIEW_STATUSES:
                raise GlossaryError(f"unknown status {cell('Status')!r}; expected one of: {', '.join(REVIEW_STATUSES)}",
                                    path=path_text, where=where)
            if status not in (APPROVED, REJECTED):
                undecided += 1
                continue
            simplified = cell("Simplified") or cell("Source")
            if not simplified:
                raise GlossaryError("no source term in Simplified or Source", path=path_text, where=where)
            suggestion = cell("Suggested target")
            approved_target = cell("Approved target")
            variants = [cell("Source")]
            origin = f"{path.name}, {where}"
            # A reviewer may approve several renderings at once: "A | B".
            chosen = split_list(approved_target) if approved_target else split_list(suggestion)
            if status == APPROVED:
                if not chosen:
                    raise GlossaryError("approved, but neither Approved target nor Suggested target has a term",
                                        path=path_text, where=where)
                entry_status = Status.PREFERRED
            else:
                entry_status = Status.REJECTED
            entry = make_entry(simplified, chosen, entry_status, variants=variants, note=cell("Reviewer note"),
                               reference=_first_location(cell("Locations")) or path.name, date=today,
                               path=path_text, where=where)
            decisions.append(Decision(entry.source, (entry,), origin, from_review=True))
    finally:
        workbook.close()
    return decisions, undecided


def _is_review_workbook(path: Path) -> bool:
    from .writers.glossary_xlsx import open_workbook

    workbook = open_workbook(path)
    try:
        return TERMS_SHEET in workbook.sheetnames
    finally:
        workbook.close()


def _check_review_header(header: list[str], path: str) -> None:
    where = f"sheet {TERMS_SHEET}, row 1"
    for index, expected in enumerate(REVIEW_COLUMNS):
        found = header[index] if index < len(header) else ""
        if found != expected:
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(index + 1)
            shown = f"{found!r}" if found else "empty"
            raise GlossaryError(
                f"the header row was altered: column {letter} should be {expected!r} but is {shown}; "
                "restore the original header (columns may be hidden, not renamed, moved or deleted)",
                path=path, where=where,
            )


def _first_location(locations: str) -> str:
    for line in locations.splitlines():
        line = line.strip()
        if line and not line.startswith("("):
            return line
    return ""


# --- merging ---


def merge_decisions(glossary: Glossary, decisions: Sequence[Decision], today: str,
                    skipped: int = 0) -> tuple[Glossary, ImportSummary]:
    """Apply decisions to a glossary. Raises ImportConflictError when inputs disagree about a term."""
    summary = ImportSummary(skipped=skipped)
    by_source: dict[str, list[Decision]] = {}
    for decision in decisions:
        by_source.setdefault(decision.source, []).append(decision)
    chosen: list[Decision] = []
    for source, group in by_source.items():
        distinct = {_decision_key(decision): decision for decision in group}
        if len(distinct) > 1:
            summary.conflicts.append(Conflict(source, tuple(distinct.values())))
        else:
            chosen.append(group[0])
    if summary.conflicts:
        raise ImportConflictError(summary.conflicts, summary)
    entries = list(glossary.entries)
    for decision in chosen:
        entries, outcome = _apply(entries, decision, today)
        getattr(summary, outcome).append(decision.source)
    return sort_glossary(Glossary(tuple(entries))), summary


def import_into(glossary_path: str | Path, sources: Sequence[str | Path], today: str | None = None,
                dry_run: bool = False) -> ImportSummary:
    """Merge review workbooks and glossary files into a native glossary, written atomically at the end.

    A glossary path that does not exist yet is created. Any error leaves it untouched.
    """
    today = today or datetime.date.today().isoformat()
    glossary_path = Path(glossary_path)
    if glossary_path.suffix.lower() != ".tsv":
        raise GlossaryError("the glossary to import into must be a native .tsv glossary; "
                            "`termsieve export` writes the other formats", path=str(glossary_path))
    glossary = read_glossary(glossary_path) if glossary_path.exists() else Glossary(())
    decisions: list[Decision] = []
    skipped = 0
    for source in sources:
        found, undecided = read_decisions(source, today)
        decisions.extend(found)
        skipped += undecided
    merged, summary = merge_decisions(glossary, decisions, today, skipped)
    if not dry_run:
        write_glossary(merged, glossary_path)
    return summary


def _decision_key(decision: Decision) -> tuple:
    """What must agree between two inputs deciding the same term (notes and dates may differ)."""
    return tuple(sorted((entry.status.value, entry.targets) for entry in decision.entries))


def _apply(entries: list[GlossaryEntry], decision: Decision, today: str) -> tuple[list[GlossaryEntry], str]:
    others = [entry for entry in entries if entry.source != decision.source]
    current = [entry for entry in entries if entry.source == decision.source]
    if decision.from_review:
        updated = _apply_review(current, decision.entries[0], today)
    else:
        updated = _apply_glossary_entries(current, decision.entries)
    if updated is None:
        return entries, "unchanged"
    outcome = "changed" if current else "added"
    return others + updated, outcome


def _apply_review(current: list[GlossaryEntry], new: GlossaryEntry, today: str) -> list[GlossaryEntry] | None:
    """A reviewer's decision replaces earlier decisions on the term; returns None when it changes nothing."""
    if new.status is Status.PREFERRED:
        allowed = {target for entry in current if entry.status.is_allowed for target in entry.targets}
        if set(new.targets) <= allowed:
            return None  # already allowed (e.g. a row the workbook marked as in the glossary)
        approved = set(new.targets)
        history = [entry for entry in current if entry.status in (Status.PREFERRED, Status.REJECTED)
                   or (entry.status.is_banned and approved & set(entry.targets))]
        kept = []
        for entry in current:
            if entry.status in (Status.PREFERRED, Status.REJECTED):
                continue
            if entry.status.is_banned and approved & set(entry.targets):
                remaining = tuple(t for t in entry.targets if t not in approved)
                if remaining:
                    kept.append(replace(entry, targets=remaining))
                continue
            kept.append(entry)
    else:
        if any(entry.status is Status.REJECTED for entry in current):
            return None
        history = [entry for entry in current if entry.status.is_allowed]
        kept = [entry for entry in current if not entry.status.is_allowed]
    variants = tuple(dict.fromkeys(v for entry in current for v in entry.variants)) + new.variants
    note = "; ".join(part for part in (new.note, *(_was(entry) for entry in history)) if part)
    return [*kept, replace(new, variants=tuple(dict.fromkeys(variants)), note=note)]


def _apply_glossary_entries(current: list[GlossaryEntry], new_entries: tuple[GlossaryEntry, ...]
                            ) -> list[GlossaryEntry] | None:
    """Entries from a glossary file replace those with the same status; the others stay."""
    by_status = {entry.status: entry for entry in current}
    result = dict(by_status)
    for new in new_entries:
        old = by_status.get(new.status)
        if old == new:
            continue
        if old is not None and old.targets != new.targets:
            new = replace(new, note="; ".join(part for part in (new.note, _was(old)) if part))
        result[new.status] = new
    if result == by_status:
        return None
    return list(result.values())


def _was(entry: GlossaryEntry) -> str:
    what = f"{entry.status.value} {join_list(entry.targets)}".strip()
    return f"was: {what}" + (f" ({entry.date})" if entry.date else "")


def _describe_entries(entries: tuple[GlossaryEntry, ...]) -> str:
    return ", ".join(
        f"{entry.status.value} {join_list(entry.targets)!r}" if entry.targets else entry.status.value
        for entry in entries
    )
