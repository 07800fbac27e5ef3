"""Run `termsieve extract` on TMX files and score it against the hand-built dev set.

For each TMX file that has rows in the dev set (benchmarks/dev/gr-terms.tsv, matched on the `file`
column), two runs through the installed command line, as a user would:

  free   termsieve extract FILE.tmx -o OUT.tsv                   (free extraction: recall matters)
  terms  termsieve extract FILE.tmx --terms TERMS.txt -o OUT.tsv (align the dev terms of that file)

then `termsieve.evaluate` prints recall, top-1 and top-3 per file and overall (over all gold terms;
a term not extracted counts as wrong), with the direct/free split overall.

    python benchmarks/eval_corpus.py [TMX ...] [--devset FILE] [--mode free|terms|both]
                                     [--paragraphs MIN-MAX [--traditional]] [--seed N] [--keep DIR]
                                     [--misses] [--json]

`--paragraphs 5-15` measures the path most documents take instead: each TMX is re-joined into
paragraphs of 5 to 15 units and written as interleaved text like the bundled example (a Chinese
paragraph, then its English), which termsieve must split into sentences and align again. A unit
with no punctuation at its end on either side (a heading) stays a paragraph of its own, and a
paragraph ends only where a Chinese sentence does. The files go to the work directory, never into
the repository. With `--traditional` as well, their Chinese (and the terms given to `--terms`) is
converted to Traditional characters first (OpenCC s2t), like the bundled example.

Without TMX paths it uses ../shared/corpus/*.tmx next to the repository, if present. Exit status:
0 when every run worked (whatever the scores), 1 when a run failed, 2 when there is nothing to run.
The dev set is for measuring only; see benchmarks/dev/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
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


_SENTENCE_END = tuple("。！？；!?;")
_HEADING_END = tuple("。！？；，、：!?;,:.")


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    return _s2t().convert(text)


def paragraphs_file(tmx: Path, sizes: tuple[int, int], seed: int, workdir: Path,
                    traditional: bool = False) -> Path:
    """The TMX's units re-joined into paragraphs of `sizes` units (at random, from `seed`), written as
    interleaved Chinese and English lines; the Chinese in Traditional characters if `traditional`."""
    from termsieve.readers import read_corpus

    randomness = random.Random(f"{seed}:{tmx.name}")
    lines: list[str] = []
    chinese: list[str] = []
    english: list[str] = []
    wanted = randomness.randint(*sizes)

    def close() -> None:
        nonlocal wanted
        if chinese:
            paragraph = "".join(chinese)
            lines.extend([to_traditional(paragraph) if traditional else paragraph, " ".join(english)])
        chinese.clear()
        english.clear()
        wanted = randomness.randint(*sizes)

    for pair in read_corpus([tmx]).pairs:
        source, target = " ".join(pair.source.split()), " ".join(pair.target.split())
        if not source or not target:
            continue
        if not source.endswith(_HEADING_END) and not target.endswith(_HEADING_END):
            close()
            chinese.append(source)
            english.append(target)
            close()
            continue
        chinese.append(source)
        english.append(target)
        if len(chinese) >= wanted and source.endswith(_SENTENCE_END):
            close()
    close()
    path = workdir / f"{tmx.stem}.paragraphs.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


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


def evaluate_file(tmx: Path, gold, modes: tuple[str, ...], workdir: Path,
                  paragraphs: tuple[int, int] | None = None, seed: int = 1, traditional: bool = False) -> list[Run]:
    terms = list(dict.fromkeys(to_traditional(term.zh) if traditional else term.zh for term in gold))
    source = tmx if paragraphs is None else paragraphs_file(tmx, paragraphs, seed, workdir, traditional)
    runs = []
    for mode in modes:
        output, seconds, error = run_extract(source, mode, terms, workdir)
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


def _sizes(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    try:
        sizes = (int(low), int(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected MIN-MAX, such as 5-15") from None
    if not 1 <= sizes[0] <= sizes[1]:
        raise argparse.ArgumentTypeError(f"{text!r}: expected 1 <= MIN <= MAX")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tmx", nargs="*", type=Path, help="TMX files (default: ../shared/corpus/*.tmx)")
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--mode", choices=(*MODES, "both"), default="both")
    parser.add_argument("--paragraphs", type=_sizes, default=None, metavar="MIN-MAX",
                        help="re-join each TMX into paragraphs of MIN to MAX units, as interleaved text")
    parser.add_argument("--traditional", action="store_true",
                        help="with --paragraphs: the Chinese (and the given terms) in Traditional characters")
    parser.add_argument("--seed", type=int, default=1, help="for --paragraphs (default 1)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the extract outputs in this directory")
    parser.add_argument("--misses", action="store_true", help="also print the misses of each overall report")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.traditional and args.paragraphs is None:
        parser.error("--traditional needs --paragraphs")

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
            for run in evaluate_file(tmx, file_gold, modes, workdir, args.paragraphs, args.seed,
                                     args.traditional):
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
