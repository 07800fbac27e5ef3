"""Time `termsieve extract` against plain jieba segmentation of the same Chinese, in the same run.

    python benchmarks/bench_extract.py                 # the bundled example repeated to ~1 MB of Chinese
    python benchmarks/bench_extract.py --size-mb 0.2   # a smaller corpus
    python benchmarks/bench_extract.py path/to/file.tmx [more files...]
    python benchmarks/bench_extract.py --repeat 5 ...  # medians of five interleaved runs (noisy machines)
    python benchmarks/bench_extract.py --jobs 2 ...    # extract in two processes whatever the load

Each measurement runs in its own process (interpreter start, imports and dictionary loading
included), and reports wall time and peak memory (max RSS). Printed: both figures, and the ratio
extract / jieba. Targets from the issue: at most 3x jieba's time, under 1 GB of memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "beijing-2025-report-excerpt.txt"


def _jieba_worker(chinese_file: str) -> dict:
    started = time.perf_counter()
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    loaded = time.perf_counter()
    tokens = 0
    with open(chinese_file, encoding="utf-8") as lines:
        for line in lines:
            tokens += len(jieba.lcut(line))
    finished = time.perf_counter()
    return {"seconds": finished - started, "load_seconds": loaded - started, "tokens": tokens}


def _extract_worker(jobs: str, inputs: list[str], output: str) -> dict:
    started = time.perf_counter()
    from termsieve.cli import cli

    try:
        cli.main(["extract", *inputs, "-o", output, "--quiet", "--jobs", jobs], prog_name="termsieve",
                 standalone_mode=False)
    finally:
        finished = time.perf_counter()
    return {"seconds": finished - started}


def _run_worker(*args: str) -> dict:
    process = subprocess.Popen([sys.executable, __file__, "--worker", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    peak_pss_kb = 0
    while process.poll() is None:  # sample the memory of the process and any workers it forks
        peak_pss_kb = max(peak_pss_kb, _tree_pss_kb(process.pid))
        # Seldom: reading smaps_rollup walks the page tables of the measured processes and takes CPU
        # from them (at 0.1 s it cost a 2-core machine about 0.2 s of a 3.5 s run).
        time.sleep(0.5)
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        sys.exit(f"worker {args[0]} failed:\n{stderr}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["peak_pss_mb"] = peak_pss_kb / 1024
    return result


def _tree_pss_kb(pid: int) -> int:
    """Proportional set size of a process and its children: shared pages are counted once in all.

    This is the honest total when extract forks workers, whose pages are largely shared with the
    parent; 0 where /proc does not offer it (not Linux).
    """
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            total += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                total += sum(_tree_pss_kb(int(child)) for child in children.read().split())
    except (OSError, ValueError):
        pass  # the process ended between two reads
    return total


def _median_run(runs: list[dict]) -> dict:
    """Each figure's median over the runs (peak memory: the largest)."""
    middle = len(runs) // 2
    result = {key: sorted(run[key] for run in runs)[middle] for key in runs[0]}
    for key in ("max_rss_mb", "workers_max_rss_mb", "peak_pss_mb"):
        result[key] = max(run[key] for run in runs)
    return result


def _repeated_example(size_mb: float, directory: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8").rstrip("\n") + "\n"
    chinese_bytes = sum(len(line.encode("utf-8")) for line in text.splitlines() if _has_cjk(line))
    copies = max(1, round(size_mb * 1_000_000 / chinese_bytes))
    path = directory / f"example-x{copies}.txt"
    path.write_text(text * copies, encoding="utf-8")
    return path


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="*", help="bilingual files (default: the example, repeated)")
    parser.add_argument("--size-mb", type=float, default=1.0, help="MB of Chinese when repeating the example")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each side this many times, interleaved, and report medians (default 1)")
    parser.add_argument("--jobs", type=int, default=0,
                        help="extract's --jobs (default 0: its own choice, which leaves out cores others keep busy)")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        kind, *rest = args.worker
        result = _jieba_worker(rest[0]) if kind == "jieba" else _extract_worker(rest[0], rest[1:-1], rest[-1])
        result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # extract may fork workers for matching: the largest one's peak (pages shared with the
        # parent count in both, so the sum of the two overstates the total)
        result["workers_max_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps(result))
        return

    from termsieve import api, matching

    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        inputs = [str(Path(p)) for p in args.inputs] or [str(_repeated_example(args.size_mb, directory))]
        corpus = api.read(inputs)
        chinese = directory / "chinese.txt"
        chinese.write_text("\n".join(pair.source.replace("\n", " ") for pair in corpus.pairs) + "\n",
                           encoding="utf-8")
        chinese_chars = sum(len(pair.source) for pair in corpus.pairs)
        chinese_mb = chinese.stat().st_size / 1_000_000

        output = directory / "terms.tsv"
        jieba_runs, extract_runs = [], []
        for _ in range(max(1, args.repeat)):  # interleaved, so that a busy spell hits both sides alike
            jieba_runs.append(_run_worker("jieba", str(chinese)))
            extract_runs.append(_run_worker("extract", str(args.jobs), *inputs, str(output)))
        jieba_result = _median_run(jieba_runs)
        extract_result = _median_run(extract_runs)
        terms = max(0, len(output.read_text(encoding="utf-8").splitlines()) - 1)

    unique = len({(pair.source, pair.target) for pair in corpus.pairs})
    print(f"corpus: {', '.join(os.path.basename(p) for p in inputs)}: {len(corpus.pairs)} pairs "
          f"({unique} distinct), {chinese_chars:,} Chinese characters ({chinese_mb:.2f} MB)")
    if unique < len(corpus.pairs) / 2:
        print("note: most pairs repeat; extract aligns, segments and scores a repeated pair once while the "
              "jieba baseline cuts every copy, so pass real files (e.g. TMX) for a figure on distinct text")
    if args.repeat > 1:
        print(f"medians of {args.repeat} interleaved runs")
    # setup.py compiles the matcher in a built install; an editable one runs it as pure Python.
    compiled = not matching.__file__.endswith(".py")
    print("matcher: " + ("compiled (mypyc)" if compiled else
                         "pure Python (an editable install, or no C compiler: `pip install .` compiles it)"))
    print(f"jieba segmentation:  {jieba_result['seconds']:7.2f} s  (load {jieba_result['load_seconds']:.2f} s)"
          f"  peak {jieba_result['max_rss_mb']:7.0f} MB")
    workers_mb = extract_result["workers_max_rss_mb"]
    print(f"termsieve extract:   {extract_result['seconds']:7.2f} s  peak {extract_result['max_rss_mb']:7.0f} MB"
          + (f" (+ {workers_mb:.0f} MB in a forked worker, mostly shared)" if workers_mb else "")
          + f"  ({terms} terms)")
    # The total: sampled proportional set size of extract and its workers, else RSS summed (an overstatement).
    memory = extract_result["peak_pss_mb"] or extract_result["max_rss_mb"] + workers_mb
    print(f"peak memory of extract, workers included: {memory:.0f} MB"
          + (" (sampled PSS)" if extract_result["peak_pss_mb"] else " (RSS summed)"))
    ratio = extract_result["seconds"] / jieba_result["seconds"]
    print(f"ratio extract / jieba: {ratio:.1f}x (target <= 3x); "
          f"memory {'under' if memory < 1024 else 'OVER'} 1 GB")


if __name__ == "__main__":
    main()
