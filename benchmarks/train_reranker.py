"""Fit the re-ranker (termsieve.rerank) on the development lists and report what it does.

For every TMX file with rows in the development lists, `--terms` alignment runs in one process with
the hand ranking (no re-ranker), and the features of each gold term's candidates are recorded with
whether each candidate matches the gold (termsieve.evaluate's rules). A conditional logit model
(softmax over one term's candidates, L2-penalized, gradient ascent in numpy) is then fitted:

* leave-one-report-out: fitted on eight reports, tested on the ninth, for every report; printed
  against the hand ranking's top-1 on the same rows, with the oracle (a right candidate anywhere in
  the list) as the ceiling;
* on all rows: the weights that `--write` saves to src/termsieve/reranker.json.

    python benchmarks/train_reranker.py [--corpus DIR] [--devset TSV ...] [--measure TSV ...] [--l2 1.0]
                                        [--modes terms,paragraphs] [--measure-modes paragraphs] [--write]

`--measure` scores a list the model is not fitted on (the development lists gr-dev9.tsv, gr-dev10.tsv) the same way,
report by report, without letting it train anything. `--modes` names the runs whose rows train the
model (terms: `--terms` on the TMX; extract: free extraction; paragraphs: `--terms` on the report
re-joined into paragraphs of 5-15 units, as `eval_corpus.py --paragraphs 5-15` does);
`--measure-modes` adds runs that are scored but train nothing. The shipped model is fitted on
terms and paragraphs (the default).

Needs ../shared/corpus (not in the repository: no licence is stated for it). The held-out lists
(gr-heldout4.tsv, gr-heldout5.tsv, gr-heldout6.tsv and the reserve gr-heldout8.tsv) are refused; see
benchmarks/dev/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

import numpy as np

from termsieve import api, rerank
from termsieve.chinese import to_simplified
from termsieve.errors import InputError
from termsieve.evaluate import read_gold, targets_match
from termsieve.matching import Matcher, hand_order

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEVELOPMENT_LISTS = ("gr-terms.tsv", "gr-heldout.tsv", "gr-heldout2.tsv", "gr-heldout3.tsv", "gr-dev7.tsv")
DEFAULT_DEVSETS = [REPO / "benchmarks" / "dev" / name for name in DEVELOPMENT_LISTS]
# They measure; they never train.
HELD_OUT = ("gr-heldout4.tsv", "gr-heldout5.tsv", "gr-heldout6.tsv", "gr-heldout8.tsv")
OUTPUT = REPO / "src" / "termsieve" / "reranker.json"
PARAGRAPH_SIZES = (5, 15)
MODES = ("terms", "extract", "paragraphs")


class RecordingMatcher(Matcher):
    """Ranks by hand and remembers every term's candidates, keyed by the term's Simplified text."""

    recorded: ClassVar[dict[str, list]] = {}

    def __init__(self, *args, **kwargs):
        # A model that cannot tell candidates apart: the matcher computes features, the hand order stands.
        size = len(rerank.FEATURES)
        super().__init__(*args, **kwargs, reranker=rerank.Reranker((0.0,) * size, (1.0,) * size, (0.0,) * size))

    def _order_candidates(self, occurrences, candidates, limit):
        first = occurrences[0]
        term = self.units[first.unit].simplified[first.start:first.end]
        RecordingMatcher.recorded[term] = [(c.text, c.features, c.value) for c in candidates]
        return hand_order(candidates, limit)


@lru_cache(maxsize=1)
def _eval_corpus():
    """eval_corpus.py, loaded from beside this script (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("eval_corpus", Path(__file__).with_name("eval_corpus.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_corpus", module)  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def collect(corpus_dir: Path, devsets: list[Path], modes: tuple[str, ...] = ("terms",),
            workdir: Path | None = None) -> list[dict]:
    """One row per gold term and run; each row names the list it comes from (`devset`).

    Mode `paragraphs` is `--terms` alignment on the report re-joined into paragraphs of 5-15 units
    (eval_corpus.py --paragraphs 5-15), written to `workdir`.
    """
    gold_of = {path.name: read_gold(path) for path in devsets}
    gold = [term for terms in gold_of.values() for term in terms]
    list_of = {(term.zh, Path(term.file).name): name for name, terms in gold_of.items() for term in terms}
    by_file: dict[str, list] = defaultdict(list)
    for term in gold:
        by_file[Path(term.file).name].append(term)
    api.Matcher = RecordingMatcher  # align_terms builds its matcher from this name
    rows = []
    try:
        for name in sorted(by_file):
            path = corpus_dir / name
            if not path.exists():
                sys.exit(f"{path}: not found (the development lists name it)")
            corpus = api.read([path])
            for mode in modes:
                RecordingMatcher.recorded = {}
                if mode in ("terms", "paragraphs"):
                    if mode == "terms":
                        source = corpus
                    else:
                        if workdir is None:
                            raise ValueError("mode paragraphs needs a work directory for the re-joined text")
                        source = api.read([_eval_corpus().paragraphs_file(path, PARAGRAPH_SIZES, 1, workdir)])
                    extraction = api.align_terms(source, [term.zh for term in by_file[name]],
                                                 api.ExtractOptions(jobs=1))
                else:
                    extraction = api.extract(corpus, api.ExtractOptions(jobs=1))
                for row in _rows(name, mode, by_file[name], extraction):
                    row["devset"] = list_of[(row["zh"], name)]
                    rows.append(row)
            print(f"{name}: {len(by_file[name])} terms", file=sys.stderr)
    finally:
        api.Matcher = Matcher
    return rows


def _rows(name: str, mode: str, terms: list, extraction) -> list[dict]:
    """One row per gold term the run reported (with --terms, every one)."""
    hand_best = {result.source_simplified: result.target for result in extraction.terms}
    rows = []
    for term in terms:
        simplified = to_simplified(term.zh)
        if mode != "terms" and simplified not in hand_best:
            continue
        candidates = RecordingMatcher.recorded.get(simplified, [])
        rows.append({
            "report": name, "zh": term.zh, "kind": term.kind, "mode": mode,
            "features": np.array([features for _, features, _ in candidates], float),
            "labels": np.array([any(targets_match(text, gold) for gold in term.renderings)
                                for text, _, _ in candidates], float),
            "values": [value for _, _, value in candidates],
            "hand_right": bool(hand_best.get(simplified)) and any(
                targets_match(hand_best[simplified], gold) for gold in term.renderings),
        })
    return rows


def fit(rows: list[dict], l2: float, iterations: int = 600) -> rerank.Reranker:
    # A lone candidate teaches a softmax nothing (and the matcher computes no features for it).
    usable = [row for row in rows if len(row["labels"]) > 1 and row["labels"].any()]
    stacked = np.vstack([row["features"] for row in usable])
    mean = stacked.mean(axis=0)
    scale = stacked.std(axis=0)
    scale[scale < 1e-9] = 1.0
    matrices = [(row["features"] - mean) / scale for row in usable]
    weights = np.zeros(len(rerank.FEATURES))
    for _ in range(iterations):
        gradient = -l2 * weights
        for matrix, row in zip(matrices, usable):
            logits = matrix @ weights
            p = np.exp(logits - logits.max())
            p /= p.sum()
            right = p * row["labels"]  # the gold may match several candidates: their mass counts
            gradient += matrix.T @ (right / right.sum() - p)
        weights += 0.5 * gradient / len(usable)
    return rerank.Reranker(tuple(mean.tolist()), tuple(scale.tolist()), tuple(weights.tolist()))


def roc_auc(scored: list[tuple[float, bool]]) -> float:
    """The chance that a right target scores above a wrong one (ties count half)."""
    right = [value for value, ok in scored if ok]
    wrong = [value for value, ok in scored if not ok]
    if not right or not wrong:
        return float("nan")
    wins = sum((a > b) + 0.5 * (a == b) for a in right for b in wrong)
    return wins / (len(right) * len(wrong))


def pick(model: rerank.Reranker, row: dict) -> int | None:
    if not len(row["labels"]):
        return None
    if len(row["labels"]) == 1:
        return 0
    probabilities = model.probabilities(row["features"].tolist())
    return max(range(len(probabilities)), key=probabilities.__getitem__)


def _count(counts: Counter[str], prefix: str, row: dict, right: bool) -> None:
    """Tally one row under `prefix` for all rows and for its kind."""
    for kind in ("all", row["kind"]):
        label = f"{prefix} {kind}"
        counts[f"n {label}"] += 1
        counts[f"hand {label}"] += row["hand_right"]
        counts[f"reranked {label}"] += right
        counts[f"oracle {label}"] += bool(row["labels"].any())


def _print_top1(counts: Counter[str], prefix: str) -> None:
    for kind in ("all", "direct", "free"):
        label = f"{prefix} {kind}"
        n = counts[f"n {label}"]
        if n:
            print(f"  {kind:7s} hand {counts[f'hand {label}']}/{n} = {counts[f'hand {label}'] / n:.1%}  "
                  f"re-ranked {counts[f'reranked {label}']}/{n} = {counts[f'reranked {label}'] / n:.1%}  "
                  f"(a right candidate in the list: {counts[f'oracle {label}'] / n:.1%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--devset", type=Path, action="append", help="default: the four development lists")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--modes", default="terms,paragraphs",
                        help="runs whose candidates train the model: terms (--terms alignment on the TMX), "
                             "paragraphs (--terms on the report re-joined into paragraphs), extract (free "
                             "extraction: the gold terms it finds), comma-separated (default: terms,paragraphs, "
                             "as the shipped model was fitted)")
    parser.add_argument("--measure-modes", default="",
                        help="runs whose rows are scored by the models but train nothing (same names as "
                             "--modes), comma-separated")
    parser.add_argument("--drop", default="", help="comma-separated features to leave out (their weight stays 0)")
    parser.add_argument("--measure", type=Path, action="append", default=[],
                        help="a list to measure, not train on: its rows of each report are scored by the "
                             "model fitted on the training lists' rows of the other reports (e.g. "
                             "benchmarks/dev/gr-dev9.tsv); repeatable")
    parser.add_argument("--write", action="store_true", help=f"save the weights to {OUTPUT.relative_to(REPO)}")
    args = parser.parse_args()
    devsets = args.devset or DEFAULT_DEVSETS
    held_out = [path.name for path in devsets + args.measure if path.name in HELD_OUT]
    if held_out:
        sys.exit(f"{', '.join(held_out)}: held out; such lists are measured at a session's end by "
                 "benchmarks/eval_corpus.py, aggregates only")
    both = {path.name for path in devsets} & {path.name for path in args.measure}
    if both:
        sys.exit(f"{', '.join(sorted(both))}: both trained on and measured")
    train_modes = tuple(mode for mode in args.modes.split(",") if mode)
    measure_modes = tuple(mode for mode in args.measure_modes.split(",") if mode and mode not in train_modes)
    modes = train_modes + measure_modes
    if not train_modes or set(modes) - set(MODES):
        sys.exit(f"--modes, --measure-modes: {', '.join(MODES)}")
    try:
        with tempfile.TemporaryDirectory(prefix="termsieve-train-") as workdir:
            collected = collect(args.corpus, devsets + args.measure, modes, Path(workdir))
    except InputError as error:  # an unreadable or malformed list: its path and line, no traceback
        sys.exit(str(error))
    measured_names = {path.name for path in args.measure}
    rows = [row for row in collected if row["devset"] not in measured_names]
    measured = [row for row in collected if row["devset"] in measured_names]
    dropped = [rerank.FEATURES.index(name) for name in args.drop.split(",") if name]
    for row in collected:
        if len(row["labels"]) > 1:
            row["features"][:, dropped] = 0.0
    counts: Counter[str] = Counter()
    calibration: dict[int, list[bool]] = defaultdict(list)  # score decile -> right or not
    chosen: list[tuple[float, float, float, bool]] = []  # hand score, probability, score, right
    for report in sorted({row["report"] for row in rows}):
        model = fit([row for row in rows if row["report"] != report and row["mode"] in train_modes], args.l2)
        for row in measured:
            if row["report"] == report:
                choice = pick(model, row)
                _count(counts, f"{row['mode']} {row['devset']}", row,
                       choice is not None and bool(row["labels"][choice]))
        for row in rows:
            if row["report"] != report:
                continue
            choice = pick(model, row)
            right = choice is not None and bool(row["labels"][choice])
            if choice is not None and row["mode"] == modes[0]:
                probability = model.probabilities(row["features"].tolist())[choice] if len(row["labels"]) > 1 else 1.0
                score = rerank.blended_score(row["values"][choice], probability)
                calibration[min(9, int(score * 10))].append(right)
                chosen.append((min(1.0, row["values"][choice]), probability, score, right))
            _count(counts, row["mode"], row, right)
    for mode in modes:
        print(f"top-1 over the development lists ({mode}), leave-one-report-out:")
        _print_top1(counts, mode)
    for mode in modes:
        for name in sorted(measured_names):
            print(f"top-1 on {name} ({mode}), not trained on, each report by the model of the other reports:")
            _print_top1(counts, f"{mode} {name}")
    print(f"({modes[0]}) score of the chosen candidate (mean of hand score and probability), leave-one-report-out:")
    for decile in sorted(calibration, reverse=True):
        outcomes = calibration[decile]
        print(f"  {decile / 10:.1f}-{(decile + 1) / 10:.1f}: {sum(outcomes)}/{len(outcomes)} = "
              f"{sum(outcomes) / len(outcomes):.0%} right")
    print("how well each separates right targets from wrong (ROC AUC): "
          + ", ".join(f"{name} {roc_auc([(item[k], item[3]) for item in chosen]):.3f}"
                      for k, name in enumerate(("hand score", "probability", "score"))))
    model = fit([row for row in rows if row["mode"] in train_modes], args.l2)
    for name, weight in sorted(zip(rerank.FEATURES, model.weights), key=lambda item: -abs(item[1])):
        print(f"  {name:18s} {weight:+.3f}")
    if args.write:
        metadata = {
            "devsets": [path.name for path in devsets],
            "modes": list(train_modes),
            "rows": sum(row["mode"] in train_modes for row in rows),
            "l2": args.l2,
            "dropped": args.drop.split(",") if args.drop else [],
            "leave_one_report_out_top1": round(counts[f"reranked {modes[0]} all"]
                                               / max(1, counts[f"n {modes[0]} all"]), 4),
            "hand_top1": round(counts[f"hand {modes[0]} all"] / max(1, counts[f"n {modes[0]} all"]), 4),
        }
        OUTPUT.write_text(model.to_json(metadata), encoding="utf-8")
        print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
