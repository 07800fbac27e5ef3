"""Speed of `termsieve check`: a large generated corpus and glossary, and start-up on a small file.

Prints, for each, the wall time beside that of `python -c "import click"` measured in the same run
(the floor for any click command), and their ratio. Targets: large run under 1 s, small run within
2x of the bare import.

    python benchmarks/bench_check.py [--pairs 10000] [--terms 5000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_SYLLABLES = "发展改革建设经济社会企业市场政策科技创新环境保护安全服务管理制度体系区域合作开放城乡数字农业工业能源"
_COMMON = [
    "reform", "development", "market", "policy", "system", "service", "security", "energy", "digital",
    "regional", "open", "rural", "urban", "industrial", "innovation", "technology", "management",
    "cooperation", "protection", "environment", "capacity", "growth", "investment", "finance", "trade",
    "public", "private", "sector", "national", "local", "strategy", "framework", "network",
]
_FILLER = ["we", "will", "the", "of", "and", "to", "in", "for", "with", "further", "steadily", "our", "new", "more"]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    """Real-looking English words plus pseudo-words, so that renderings rarely match by accident."""
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    words = set(_COMMON)
    while len(words) < size:
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _termsieve() -> list[str]:
    script = Path(sys.executable).with_name("termsieve")
    return [str(script)] if script.exists() else [sys.executable, "-m", "termsieve"]


def generate(directory: Path, pair_count: int, term_count: int, seed: int = 7) -> tuple[Path, Path]:
    """A glossary of distinct terms (some with banned renderings) and interleaved text using them."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng, 4000)
    terms: dict[str, str] = {}
    while len(terms) < term_count:
        source = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 6)))
        target = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 4)))
        if source not in terms and target not in terms.values():
            terms[source] = target
    items = list(terms.items())
    rows = ["source\tvariants\ttarget\tstatus\tnote\treference\tdate"]
    for index, (source, target) in enumerate(items):
        rows.append(f"{source}\t\t{target}\tpreferred\t\t\t")
        if index % 10 == 0:
            rows.append(f"{source}\t\t{target} scheme\tforbidden\t\t\t")
    glossary = directory / "glossary.tsv"
    glossary.write_text("\n".join(rows) + "\n", encoding="utf-8")

    lines = []
    for index in range(pair_count):
        chosen = rng.sample(items, 3)
        source = "，".join(f"推进{zh}工作" for zh, _ in chosen) + "。"
        renderings = [en if (index + position) % 17 else "something else" for position, (_, en) in enumerate(chosen)]
        if index % 23 == 0:
            renderings[0] = f"{chosen[0][1]} scheme"  # forbidden for every tenth term, else just wording
        filler = " ".join(rng.choice(_FILLER) for _ in range(6))
        target = f"{filler.capitalize()} " + ", ".join(renderings) + (" 工作" if index % 101 == 0 else "") + "."
        lines.append(f"{source}\t{target}\n")
    corpus = directory / "corpus.tsv"
    corpus.write_text("zh\ten\n" + "".join(lines), encoding="utf-8")
    return corpus, glossary


def wall(commands: list[list[str]], repeat: int, cwd: Path) -> list[tuple[float, int]]:
    """Best wall time of `repeat` runs of each command (after one warm-up; the least disturbed by other
    load, as timeit does), and its last exit status. The commands take turns, so that a busy spell on
    the machine slows them alike and their ratio holds."""
    times: list[list[float]] = [[] for _ in commands]
    statuses = [0] * len(commands)
    for attempt in range(repeat + 1):
        for index, command in enumerate(commands):
            start = time.perf_counter()
            completed = subprocess.run(command, cwd=cwd, capture_output=True)
            if attempt:
                times[index].append(time.perf_counter() - start)
            statuses[index] = completed.returncode
    return [(min(each), status) for each, status in zip(times, statuses)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--terms", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        corpus, glossary = generate(directory, args.pairs, args.terms)
        small = directory / "small.txt"
        small.write_text("推进高质量发展\nPromote high-quality development\n", encoding="utf-8")
        small_glossary = directory / "small.tsv"
        small_glossary.write_text("source\ttarget\tstatus\n高质量发展\thigh-quality development\tpreferred\n",
                                  encoding="utf-8")

        check = [*_termsieve(), "check", "--no-config", "-q"]
        (bare, _), (large, large_status), (tiny, tiny_status) = wall(
            [[sys.executable, "-c", "import click"],
             [*check, corpus.name, "--glossary", glossary.name],
             [*check, small.name, "--glossary", small_glossary.name]],
            args.repeat, directory,
        )

        # In-process breakdown of the large run.
        from termsieve import check as check_module
        from termsieve.config import CheckConfig

        start = time.perf_counter()
        loaded = check_module.load_glossaries([glossary])
        loaded_at = time.perf_counter()
        index = check_module.GlossaryIndex(loaded)
        indexed_at = time.perf_counter()
        pairs, _ = check_module.read_groups(check_module.plan_inputs([str(corpus)], CheckConfig(None, directory)))
        read_at = time.perf_counter()
        findings = check_module.check_pairs(pairs, index)
        checked_at = time.perf_counter()

    print(f"python -c 'import click'            {bare * 1000:7.1f} ms")
    print(f"termsieve check, small file         {tiny * 1000:7.1f} ms  ({tiny / bare:.2f}x the bare import; "
          f"exit {tiny_status})")
    print(f"termsieve check, {args.pairs} pairs x {args.terms} terms "
          f"{large * 1000:7.1f} ms  ({large / bare:.2f}x the bare import; exit {large_status})")
    print(f"  in process: glossary {1000 * (loaded_at - start):.0f} ms, "
          f"automata {1000 * (indexed_at - loaded_at):.0f} ms, "
          f"read {1000 * (read_at - indexed_at):.0f} ms, check {1000 * (checked_at - read_at):.0f} ms; "
          f"{len(pairs)} pairs, {len(findings)} findings")


if __name__ == "__main__":
    main()
