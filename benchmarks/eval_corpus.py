"""Run `termsieve extract` on TMX files and score it against the hand-built dev set.

For each TMX file that has rows in the dev set (benchmarks/dev/gr-terms.tsv, matched on the `file`
column), two runs through the installed command line, as a user would:

  free   termsieve extract FILE.tmx -o OUT.tsv                   (free extraction: recall matters)
  terms  termsieve extract FILE.tmx --terms TERMS.txt -o OUT.tsv (align the dev terms of that file)

then `termsieve.evaluate` prints recall, top-1 and top-3 per file and overall (over all gold terms;
a term not extracted counts as wrong), with the direct/free split overall.

    python benchmarks/eval_corpus.py [TMX ...] [--devset FILE] [--mode free|terms|both]
                                     [--keep DIR] [--misses] [--json]

Without TMX paths it uses ../shared/corpus/*.tmx next to the repository, if present. Exit status:
0 when every run worked (whatever the scores), 1 when a run failed, 2 when there is nothing to run.
The dev set is for measuring only; see benchmarks/dev/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from termsieve.evaluate import (
    EvalReport,
    combine_reports,
    evaluate,
    format_fraction,
    format_report,
    gold_for_file,
    read_gold,
    read_predictions,
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_DEVSET = REPO / "benchmarks" / "dev" / "gr-terms.tsv"
MODES = ("free", "terms")


@dataclass(frozen=True)
class Run:
    file: str
    mode: str
    report: EvalReport | None  # None: the extract run failed
    seconds: float
    error: str = ""


def termsieve_command() -> list[str]:
    """The installed console script next to this interpreter, else `python -m termsieve`."""
    script = Path(sys.executable).with_name("termsieve")
    return [str(script)] if script.exists() else [sys.executable, "-m", "termsieve"]


def run_extract(tmx: Path, mode: str, terms: list[str], workdir: Path) -> tuple[Path, float, str]:
    output = workdir / f"{tmx.stem}.{mode}.tsv"
    command = [*termsieve_command(), "extract", str(tmx), "-o", str(output), "--quiet"]
    if mode == "terms":
        terms_file = workdir / f"{tmx.stem}.terms.txt"
        terms_file.write_text("\n".join(terms) + "\n", encoding="utf-8")
        command += ["--terms", str(terms_file)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        return output, seconds, f"exit {done.returncode}: {message}"
    return output, seconds, ""


def evaluate_file(tmx: Path, gold, modes: tuple[str, ...], workdir: Path) -> list[Run]:
    terms = list(dict.fromkeys(term.zh for term in gold))
    runs = []
    for mode in modes:
        output, seconds, error = run_extract(tmx, mode, terms, workdir)
        report = None
        if not error:
            try:
                report = evaluate(read_predictions(output), gold)
            except Exception as failure:  # a broken output file is a failed run, reported like one
                error = f"cannot read {output.name}: {failure}"
        runs.append(Run(tmx.name, mode, report, seconds, error))
    return runs


HEADER = (f"{'file':<12} {'mode':<6} {'gold':>4} {'terms':>6}  {'recall':<16} {'top-1':<16} {'top-3':<16} "
          f"{'top-1 found':<16} time")


def format_row(run: Run) -> str:
    if run.report is None:
        return f"{run.file:<12} {run.mode:<6} FAILED ({run.error})"
    counts = run.report.overall
    return (
        f"{run.file:<12} {run.mode:<6} {counts.total:>4} {run.report.prediction_count:>6}  "
        f"{format_fraction(counts.found, counts.total):<16} "
        f"{format_fraction(counts.top1, counts.total):<16} {format_fraction(counts.top3, counts.total):<16} "
        f"{format_fraction(counts.top1, counts.found):<16} {run.seconds:.1f}s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tmx", nargs="*", type=Path, help="TMX files (default: ../shared/corpus/*.tmx)")
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--mode", choices=(*MODES, "both"), default="both")
    parser.add_argument("--keep", type=Path, default=None, help="keep the extract outputs in this directory")
    parser.add_argument("--misses", action="store_true", help="also print the misses of each overall report")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)

    paths = args.tmx or sorted(DEFAULT_CORPUS.glob("*.tmx"))
    if not paths:
        print(f"no TMX files given and none in {DEFAULT_CORPUS}", file=sys.stderr)
        return 2
    gold = read_gold(args.devset)
    modes = MODES if args.mode == "both" else (args.mode,)
    runs: list[Run] = []
    if not args.json:
        print(f"{HEADER}\n{'-' * len(HEADER)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="termsieve-eval-") as temporary:
        workdir = args.keep or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        for tmx in paths:
            file_gold = gold_for_file(gold, tmx.name)
            if not file_gold:
                print(f"{tmx.name}: no dev-set rows, skipped", file=sys.stderr)
                continue
            for run in evaluate_file(tmx, file_gold, modes, workdir):
                runs.append(run)
                if not args.json:
                    print(format_row(run), flush=True)
    if not runs:
        print("nothing to evaluate", file=sys.stderr)
        return 2

    overall = {mode: combine_reports([r.report for r in runs if r.mode == mode and r.report]) for mode in modes}
    if args.json:
        print(json.dumps({
            "runs": [{"file": r.file, "mode": r.mode, "seconds": round(r.seconds, 2), "error": r.error,
                      "report": r.report.to_dict() if r.report else None} for r in runs],
            "overall": {mode: report.to_dict() for mode, report in overall.items()},
        }, ensure_ascii=False, indent=2))
    else:
        for mode, report in overall.items():
            if not report.outcomes:
                continue
            print(f"\n=== overall, {mode} ({sum(1 for r in runs if r.mode == mode and r.report)} files) ===")
            print(format_report(report, show_misses=args.misses), end="")
    return 1 if any(run.error for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
