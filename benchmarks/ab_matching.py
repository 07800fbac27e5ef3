"""Compare two versions of the matcher's speed in one process, alternating, so that noise hits both alike.

    python benchmarks/ab_matching.py --other my-matching.py [corpus.tmx] [--rounds 3] [--pure]
    python benchmarks/ab_matching.py --rev HEAD~1 [corpus.tmx]

Version A is this checkout's `src/termsieve/matching.py`; version B is `--other` (a file) or the
matching.py of a git revision (`--rev`). Both run in a copy of this checkout's package, B renamed
`termsieve_b` so that the two can be imported side by side; both are compiled with mypyc as
`pip install .` compiles them (`--pure`: neither is). One process prepares the corpus once per version
(segmentation, candidates, the word alignment), then scores every candidate of termhood 0.5 or more
(spans and choice, as extract's first pass does) with a fresh matcher per round, 50 terms at a time,
A and B taking turns and the order swapped each time. Printed: each version's CPU time, cumulative per
round, and the ratio B / A. The two must choose the same English for every term, or the run stops.

Whole runs of extract on this shared machine vary by 25% from one run to the next; this ratio stays
within about 1%, which makes changes of a few percent measurable.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "termsieve"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "GR2016.tmx"
CHUNK = 50


def _copy_package(destination: Path, name: str, matching_source: str | None) -> None:
    target = destination / name
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
    if matching_source is not None:
        (target / "matching.py").write_text(matching_source, encoding="utf-8")
    if name != "termsieve":
        # Registries name their readers and writers by dotted path: point them at this copy.
        for module in target.rglob("*.py"):
            text = module.read_text(encoding="utf-8")
            renamed = re.sub(r'"termsieve\.(?=[a-z_]+[.:])', f'"{name}.', text)
            if renamed != text:
                module.write_text(renamed, encoding="utf-8")


def _compile(directory: Path, name: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "mypyc", "--ignore-missing-imports", "--follow-imports=silent", f"{name}/matching.py"],
        cwd=directory, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"mypyc failed on {name}:\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}")


def _prepare(name: str, corpus_path: str) -> dict:
    api, dictionary, matching = (importlib.import_module(f"{name}.{module}")
                                 for module in ("api", "dictionary", "matching"))
    prepared, found, alignment = api._ready_to_match(api.read([corpus_path]), api.ExtractOptions(), False)
    terms = [candidate for candidate in found if candidate.termhood >= api.DEFAULT_MIN_TERMHOOD]
    return {
        "matching": matching,
        "units": prepared.units,
        "lookup": dictionary.lookup,
        "alignment": alignment,
        "terms": terms,
        "occurrences": [api._spread([matching.TermOccurrence(o.unit, o.start, o.end) for o in term.occurrences],
                                    api.MAX_OCCURRENCES_SCORED) for term in terms],
        "term_units": [frozenset(o.unit for o in term.occurrences) for term in terms],
    }


def _measure(corpus_path: str, rounds: int) -> None:
    gc.disable()  # as extract runs
    versions = [_prepare(name, corpus_path) for name in ("termsieve", "termsieve_b")]
    count = len(versions[0]["terms"])
    print(f"{Path(corpus_path).name}: {count} terms; A {versions[0]['matching'].__file__}, "
          f"B {versions[1]['matching'].__file__}")
    totals = [0.0, 0.0]
    for round_number in range(1, rounds + 1):
        matchers = []
        for version in versions:
            version["alignment"]._posterior_cache.clear()  # each round starts cold
            version["alignment"]._cached_entries = 0
            matchers.append(version["matching"].Matcher(version["units"], version["lookup"], version["alignment"]))
        chosen: list[list] = [[], []]
        for start in range(0, count, CHUNK):
            for k in ((0, 1) if (start // CHUNK) % 2 == 0 else (1, 0)):
                version, matcher = versions[k], matchers[k]
                terms, occurrences, term_units = version["terms"], version["occurrences"], version["term_units"]
                began = time.process_time()
                for i in range(start, min(count, start + CHUNK)):
                    spans = [matcher.occurrence_spans(terms[i].tokens, terms[i].simplified, occurrence)
                             for occurrence in occurrences[i]]
                    best = matcher.choose(occurrences[i], spans, term_units[i]).best
                    chosen[k].append((best.target, best.score) if best else None)
                totals[k] += time.process_time() - began
        if chosen[0] != chosen[1]:
            differing = sum(a != b for a, b in zip(chosen[0], chosen[1]))
            sys.exit(f"A and B choose differently for {differing} of {count} terms: not a speed comparison")
        print(f"round {round_number}: A {totals[0]:.3f} s, B {totals[1]:.3f} s (cumulative CPU)")
    print(f"B / A: {totals[1] / totals[0]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS), help="a bilingual file (default: GR2016)")
    other = parser.add_mutually_exclusive_group()
    other.add_argument("--other", type=Path, help="version B: a matching.py file")
    other.add_argument("--rev", help="version B: the matching.py of this git revision")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pure", action="store_true", help="compare the pure-Python modules, not compiled ones")
    # The child process, started with the two copies on its PYTHONPATH, does the timing.
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measure(args.corpus, args.rounds)
        return
    if args.other is None and args.rev is None:
        parser.error("name version B: --other FILE or --rev REVISION")
    if not Path(args.corpus).exists():
        sys.exit(f"no such corpus: {args.corpus}")
    if not args.pure and importlib.util.find_spec("mypyc") is None:
        sys.exit("mypyc is not installed (pip install mypy), or compare the pure-Python modules with --pure")
    if args.other is not None:
        source = args.other.read_text(encoding="utf-8")
    else:
        source = subprocess.run(["git", "show", f"{args.rev}:src/termsieve/matching.py"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        _copy_package(directory, "termsieve", None)
        _copy_package(directory, "termsieve_b", source)
        if not args.pure:
            for name in ("termsieve", "termsieve_b"):
                _compile(directory, name)
        environment = {**os.environ, "PYTHONPATH": str(directory)}
        subprocess.run([sys.executable, __file__, args.corpus, "--rounds", str(args.rounds), "--measure"],
                       env=environment, check=True)


if __name__ == "__main__":
    main()
