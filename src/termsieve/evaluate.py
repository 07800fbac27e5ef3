"""Measure an extraction against a hand-made gold list: recall, top-1 and top-3 accuracy.

Gold list: UTF-8 TSV with a header naming at least `zh`, `en` and `kind`. `kind` is `direct` (a
compositional rendering) or `free` (a loose one); " | " separates accepted renderings in `en`. Other
columns (e.g. `file`, `note` in benchmarks/dev/gr-terms.tsv) are kept or ignored. Lines starting with
`#` and blank lines are skipped.

Predictions: what `termsieve extract -o FILE` writes, as .tsv, .csv or .json.

Chinese is compared on its Simplified form (OpenCC t2s): a prediction matches a gold term when its
`source` or `source_simplified` equals the gold `zh` after conversion. English is compared by
`targets_match`, whose rules are:

* case is ignored, curly quotes and apostrophes count as straight ones;
* quotes around the whole text, surrounding whitespace and trailing . , ; : are ignored;
* a leading article (a / an / the) is ignored;
* hyphens and dashes count as spaces ("cutting-edge" = "cutting edge"), runs of spaces as one;
* number is ignored on EVERY word, not only the last: word by word, "x" = "xs" = "xes" and
  "xy" = "xies" ("service industries" = "service industry", "rights of workers" = "right of worker").
  Every word rather than the last one because English policy terms often carry their head noun
  first ("reform of state-owned enterprises"). Nothing else is stemmed, so "reform" != "reforming".

Top-1: the prediction's target matches one of the gold renderings. Top-3: its target or one of
its alternatives, up to three distinct renderings in all, does. A gold term that was not extracted
counts as wrong for both; rates are given over all gold terms and over the ones found.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import InputError

GOLD_COLUMNS = ("zh", "en", "kind")
KINDS = ("direct", "free")
TOP_N = 3
ALTERNATIVE_SEPARATOR = " | "


@dataclass(frozen=True)
class GoldTerm:
    zh: str  # as written in the gold list
    simplified: str
    renderings: tuple[str, ...]  # accepted English renderings
    kind: str  # one of KINDS
    line: int = 0
    file: str = ""  # the corpus file the row was checked in, when the list says (dev sets)
    note: str = ""


@dataclass(frozen=True)
class Prediction:
    source: str
    source_simplified: str
    target: str  # "" when the extractor found no English
    alternatives: tuple[str, ...] = ()
    score: float = 0.0
    frequency: int = 0
    location: str = ""

    @property
    def ranked_targets(self) -> tuple[str, ...]:
        """The target then its alternatives, without repeats, at most TOP_N."""
        ranked: list[str] = []
        seen: set[str] = set()
        for text in (self.target, *self.alternatives):
            key = _normalize(text)
            if text.strip() and key not in seen:
                seen.add(key)
                ranked.append(text)
        return tuple(ranked[:TOP_N])


@dataclass(frozen=True)
class TermOutcome:
    """How one gold term fared."""

    gold: GoldTerm
    prediction: Prediction | None  # None: not extracted

    @property
    def found(self) -> bool:
        return self.prediction is not None

    @property
    def top1(self) -> bool:
        return self.prediction is not None and _any_match(self.prediction.target, self.gold.renderings)

    @property
    def top3(self) -> bool:
        return self.prediction is not None and any(
            _any_match(text, self.gold.renderings) for text in self.prediction.ranked_targets
        )


@dataclass(frozen=True)
class Counts:
    """Tallies for one kind ("all" for every kind together)."""

    kind: str
    total: int
    found: int
    top1: int
    top3: int

    @property
    def recall(self) -> float | None:
        return _rate(self.found, self.total)

    @property
    def top1_rate(self) -> float | None:
        return _rate(self.top1, self.total)

    @property
    def top3_rate(self) -> float | None:
        return _rate(self.top3, self.total)

    @property
    def top1_rate_found(self) -> float | None:
        return _rate(self.top1, self.found)

    @property
    def top3_rate_found(self) -> float | None:
        return _rate(self.top3, self.found)


@dataclass(frozen=True)
class EvalReport:
    overall: Counts
    by_kind: tuple[Counts, ...]  # in KINDS order, only kinds the gold list has
    outcomes: tuple[TermOutcome, ...]  # one per gold row, in gold order
    prediction_count: int = 0

    @property
    def not_found(self) -> tuple[TermOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if not outcome.found)

    @property
    def wrong_target(self) -> tuple[TermOutcome, ...]:
        """Found, but the best target is not an accepted rendering (top-3 may still have it)."""
        return tuple(outcome for outcome in self.outcomes if outcome.found and not outcome.top1)

    @property
    def misses(self) -> tuple[TermOutcome, ...]:
        return self.not_found + self.wrong_target

    def to_dict(self) -> dict:
        return {
            "gold_terms": self.overall.total,
            "predictions": self.prediction_count,
            "overall": _counts_dict(self.overall),
            "by_kind": {counts.kind: _counts_dict(counts) for counts in self.by_kind},
            "not_found": [_gold_dict(outcome.gold) for outcome in self.not_found],
            "wrong_target": [
                {
                    **_gold_dict(outcome.gold),
                    "predicted": outcome.prediction.target if outcome.prediction else "",
                    "alternatives": list(outcome.prediction.alternatives) if outcome.prediction else [],
                    "top3": outcome.top3,
                }
                for outcome in self.wrong_target
            ],
        }


# --- English matching ---------------------------------------------------------------------------

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "＂": '"'})
_DASHES = re.compile(r"[-‐‑‒–—―]+")
_SURROUNDING = " \t\n\"'.,;:"
_ARTICLE = re.compile(r"^(?:a|an|the)\s+")


def _normalize(text: str) -> str:
    text = text.translate(_QUOTES).casefold()
    text = _DASHES.sub(" ", text)
    text = " ".join(text.split()).strip(_SURROUNDING)
    return _ARTICLE.sub("", text)


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if long in (short + "s", short + "es"):
        return True
    return short.endswith("y") and long == short[:-1] + "ies"


def targets_match(predicted: str, gold: str) -> bool:
    """Whether two English renderings are the same term under the rules in the module docstring."""
    predicted_words = _normalize(predicted).split()
    gold_words = _normalize(gold).split()
    if not predicted_words or len(predicted_words) != len(gold_words):
        return False
    return all(_same_word(a, b) for a, b in zip(predicted_words, gold_words))


def _any_match(predicted: str, renderings: Iterable[str]) -> bool:
    return any(targets_match(predicted, rendering) for rendering in renderings)


# --- reading ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text.strip())


def _read_text(path: str | Path) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", path=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError("not UTF-8 text", path=str(path), line=data[: error.start].count(b"\n") + 1) from None


def split_renderings(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def read_gold(path: str | Path) -> list[GoldTerm]:
    """Gold terms from a TSV with header zh, en, kind (other columns allowed); errors name file:line."""
    path_text = str(path)
    lines = _read_text(path).splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), None)
    if header_index is None:
        raise InputError(f"empty gold list: a header row is needed ({chr(9).join(GOLD_COLUMNS)})", path=path_text)
    columns = [name.strip().lower() for name in lines[header_index].split("\t")]
    missing = [name for name in GOLD_COLUMNS if name not in columns]
    if missing:
        raise InputError(
            f"gold list header lacks column(s) {', '.join(missing)}; found {', '.join(columns)} "
            f"(a tab-separated header zh, en, kind is needed)",
            path=path_text, line=header_index + 1,
        )
    terms: list[GoldTerm] = []
    for index in range(header_index + 1, len(lines)):
        line, number = lines[index], index + 1
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) > len(columns):
            raise InputError(f"{len(fields)} fields but the header has {len(columns)} columns (a stray tab?)",
                             path=path_text, line=number)
        row = dict(zip(columns, [field.strip() for field in fields] + [""] * (len(columns) - len(fields))))
        if not row["zh"]:
            raise InputError("empty zh", path=path_text, line=number)
        renderings = split_renderings(row["en"])
        if not renderings:
            raise InputError(f"no English rendering for {row['zh']}", path=path_text, line=number)
        kind = row["kind"].lower()
        if kind not in KINDS:
            raise InputError(f"bad kind {row['kind']!r}; use one of: {', '.join(KINDS)}", path=path_text,
                             line=number)
        terms.append(GoldTerm(row["zh"], to_simplified(row["zh"]), renderings, kind, number,
                              row.get("file", ""), row.get("note", "")))
    if not terms:
        raise InputError("the gold list has a header but no terms", path=path_text)
    return terms


_TSV_ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _unescape_tsv(text: str) -> str:
    # The writers escape tabs and newlines as \t, \n and \\; an unknown escape is kept as written.
    return re.sub(r"\\(.)", lambda m: _TSV_ESCAPES.get(m.group(1), m.group(0)), text)


def read_predictions(path: str | Path, format: str | None = None) -> list[Prediction]:
    """Predictions from `termsieve extract` output (.tsv, .csv or .json; `format` overrides the extension)."""
    path_text = str(path)
    name = (format or Path(path).suffix.lstrip(".")).lower()
    text = _read_text(path)
    if name == "json":
        return _predictions_from_json(text, path_text)
    if name == "tsv":
        lines = text.splitlines()
        rows = [[_unescape_tsv(cell) for cell in line.split("\t")] if line.strip() else [] for line in lines]
    elif name == "csv":
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as error:
            raise InputError(f"not valid CSV: {error}", path=path_text) from None
    else:
        raise InputError(f"cannot tell the predictions format from {name!r}; use .tsv, .csv or .json",
                         path=path_text)
    return _predictions_from_rows(rows, path_text)


def _predictions_from_rows(rows: Sequence[Sequence[str]], path: str) -> list[Prediction]:
    # csv.reader gives one row per record (a quoted field may span lines), so line numbers are counted.
    header_index = next((i for i, row in enumerate(rows) if any(cell.strip() for cell in row)), None)
    if header_index is None:
        raise InputError("empty predictions file: a header row is needed", path=path)
    columns = [cell.strip().lower() for cell in rows[header_index]]
    for needed in ("source", "target"):
        if needed not in columns:
            raise InputError(f"predictions header lacks column {needed!r}; found {', '.join(columns)}",
                             path=path, line=header_index + 1)
    predictions = []
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        if not any(cell.strip() for cell in cells):
            continue
        record = dict(zip(columns, cells))
        predictions.append(_prediction(record, path, index + 1))
    return predictions


def _predictions_from_json(text: str, path: str) -> list[Prediction]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg}", path=path, line=error.lineno) from None
    terms = data.get("terms") if isinstance(data, dict) else data
    if not isinstance(terms, list):
        raise InputError('expected {"metadata": ..., "terms": [...]} or a list of terms', path=path)
    predictions = []
    for number, record in enumerate(terms, 1):
        if not isinstance(record, dict) or "source" not in record:
            raise InputError("a term must be an object with at least 'source' and 'target'", path=path,
                             where=f"terms[{number - 1}]")
        predictions.append(_prediction(record, path, 0, where=f"terms[{number - 1}]"))
    return predictions


def _prediction(record: dict, path: str, line: int, where: str = "") -> Prediction:
    source = str(record.get("source") or "").strip()
    if not source:
        raise InputError("empty source", path=path, line=line or None, where=where)
    simplified = str(record.get("source_simplified") or "").strip() or to_simplified(source)
    alternatives = record.get("alternatives") or ()
    if isinstance(alternatives, str):
        alternatives = split_renderings(alternatives)
    else:
        # JSON may give strings or {"target": ..., "score": ...} objects.
        alternatives = tuple(
            str(item.get("target", "")) if isinstance(item, dict) else str(item) for item in alternatives
        )
    location = record.get("location") or ""
    if isinstance(location, dict):
        location = ":".join(str(location[key]) for key in ("path", "line") if location.get(key))
    return Prediction(
        source=source,
        source_simplified=simplified,
        target=str(record.get("target") or "").strip(),
        alternatives=tuple(alternative for alternative in alternatives if alternative),
        score=_number(record.get("score"), float, path, line, where, "score"),
        frequency=_number(record.get("frequency"), int, path, line, where, "frequency"),
        location=str(location),
    )


def _number(value, kind: type, path: str, line: int, where: str, name: str):
    if value in (None, ""):
        return kind(0)
    try:
        return kind(float(value)) if kind is int else kind(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} is not a number: {value!r}", path=path, line=line or None, where=where) from None


# --- evaluating ---------------------------------------------------------------------------------


def evaluate(predictions: Sequence[Prediction], gold: Sequence[GoldTerm]) -> EvalReport:
    """Score predictions against gold terms; of several predictions for one term the best-scored counts."""
    best: dict[str, Prediction] = {}
    for prediction in predictions:
        for key in {to_simplified(prediction.source), prediction.source_simplified}:
            held = best.get(key)
            if held is None or prediction.score > held.score:
                best[key] = prediction
    outcomes = tuple(TermOutcome(term, best.get(term.simplified)) for term in gold)
    return _report(outcomes, len(predictions))


def combine_reports(reports: Sequence[EvalReport]) -> EvalReport:
    """One report over the gold terms of several (e.g. one per corpus file)."""
    outcomes = tuple(outcome for report in reports for outcome in report.outcomes)
    return _report(outcomes, sum(report.prediction_count for report in reports))


def _report(outcomes: tuple[TermOutcome, ...], prediction_count: int) -> EvalReport:
    by_kind = tuple(_tally(kind, [o for o in outcomes if o.gold.kind == kind]) for kind in KINDS
                    if any(o.gold.kind == kind for o in outcomes))
    return EvalReport(_tally("all", outcomes), by_kind, outcomes, prediction_count)


def _tally(kind: str, outcomes: Sequence[TermOutcome]) -> Counts:
    return Counts(
        kind=kind,
        total=len(outcomes),
        found=sum(o.found for o in outcomes),
        top1=sum(o.top1 for o in outcomes),
        top3=sum(o.top3 for o in outcomes),
    )


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _counts_dict(counts: Counts) -> dict:
    return {
        "total": counts.total,
        "found": counts.found,
        "top1": counts.top1,
        "top3": counts.top3,
        "recall": counts.recall,
        "top1_accuracy": counts.top1_rate,
        "top3_accuracy": counts.top3_rate,
        "top1_accuracy_found": counts.top1_rate_found,
        "top3_accuracy_found": counts.top3_rate_found,
    }


def _gold_dict(term: GoldTerm) -> dict:
    return {"zh": term.zh, "en": list(term.renderings), "kind": term.kind, "line": term.line,
            **({"file": term.file} if term.file else {})}


# --- text report --------------------------------------------------------------------------------


def format_fraction(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.1%}" if whole else f"{part}/{whole} = n/a"


def format_report(report: EvalReport, *, show_misses: bool = True) -> str:
    """The human-readable report `termsieve eval` prints."""
    groups = [report.overall, *report.by_kind]
    label = {counts.kind: ("" if counts.kind == "all" else f" ({counts.kind})") for counts in groups}
    width = max(len(f"recall{label[c.kind]}") for c in groups) + 1
    kinds = ", ".join(f"{c.kind} {c.total}" for c in report.by_kind)
    lines = [f"{report.overall.total} gold terms ({kinds}); {report.prediction_count} predictions", ""]
    lines.append(f"Over all {report.overall.total} gold terms (not found counts as wrong):")
    for name, attribute in (("recall", "found"), ("top-1", "top1"), ("top-3", "top3")):
        for counts in groups:
            lines.append(f"  {(name + label[counts.kind] + ':').ljust(width)} "
                         f"{format_fraction(getattr(counts, attribute), counts.total)}")
    lines.append("")
    lines.append(f"Over the {report.overall.found} gold terms found:")
    for name, attribute in (("top-1", "top1"), ("top-3", "top3")):
        for counts in groups:
            lines.append(f"  {(name + label[counts.kind] + ':').ljust(width)} "
                         f"{format_fraction(getattr(counts, attribute), counts.found)}")
    if show_misses:
        if report.not_found:
            lines += ["", f"Not found ({len(report.not_found)}):"]
            lines += [f"  {o.gold.zh}  [{o.gold.kind}]  {' | '.join(o.gold.renderings)}" for o in report.not_found]
        if report.wrong_target:
            lines += ["", f"Wrong target ({len(report.wrong_target)}; * = right in top-3):"]
            for outcome in report.wrong_target:
                prediction = outcome.prediction
                assert prediction is not None
                predicted = prediction.target or "(no English found)"
                others = prediction.ranked_targets[1:]
                also = f"  (also: {' | '.join(others)})" if others else ""
                mark = "*" if outcome.top3 else " "
                gold_text = " | ".join(outcome.gold.renderings)
                lines.append(f" {mark}{outcome.gold.zh}  [{outcome.gold.kind}]  gold: {gold_text}"
                             f"  predicted: {predicted}{also}")
    return "\n".join(lines) + "\n"


def gold_for_file(gold: Iterable[GoldTerm], file_name: str) -> list[GoldTerm]:
    """The gold rows whose `file` column names `file_name` (compared by base name), for dev sets
    that cover several corpus files."""
    wanted = Path(file_name).name
    return [term for term in gold if Path(term.file).name == wanted]


__all__ = [
    "KINDS",
    "Counts",
    "EvalReport",
    "GoldTerm",
    "Prediction",
    "TermOutcome",
    "combine_reports",
    "evaluate",
    "format_report",
    "gold_for_file",
    "read_gold",
    "read_predictions",
    "targets_match",
]
