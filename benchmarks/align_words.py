"""Measure the word alignment (termsieve.alignment) against hand-made links between words.

    python benchmarks/align_words.py [--links FILE] [--corpus DIR] [--misses N]

`benchmarks/dev/word-links.tsv` says, for every English content word of some TMX units, which
Chinese characters of the unit it renders, or that it renders none (a word the translators added:
"progress was made", an added "efforts"). It holds offsets only, no text, so it needs the corpus
(../shared/corpus next to the repository); see benchmarks/dev/README.md for how it was made.

Each report is aligned as `termsieve extract` aligns it (the whole file trains the model, jieba
segments the Chinese), and each linked English word is scored by the probabilities the alignment
gives it, the table the matcher reads:

  right mass   the probability on Chinese words overlapping its characters (on NULL for a word that
               renders nothing), averaged over the words
  best right   the share of words whose most probable Chinese word (or NULL) is a right one

Printed per report and overall, for words rendering something and words rendering nothing apart;
overall, the words rendering something are also split by whether a CC-CEDICT gloss of their Chinese
(of the linked characters, or of a dictionary word inside them) holds the word: the alignment's own
contribution is the rest, the renderings no gloss gives (城镇: "urban"), which is what the matcher
asks it for.
`--misses N` lists the N words with the least right mass, with their text and where the mass went.
Exit status: 0 when it measured, 2 when the corpus or the links are missing, 1 when a link no longer
fits the text (a word's offsets are not a word of the tokenized English).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import termsieve
from termsieve import dictionary
from termsieve.alignment import WordAlignment
from termsieve.api import _prepare, _segment_each
from termsieve.chinese import get_segmenter
from termsieve.english import gloss_stems

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_LINKS = REPO / "benchmarks" / "dev" / "word-links.tsv"
NONE = "-"


@dataclass(frozen=True)
class Link:
    file: str
    line: int  # line of the unit's Chinese segment in the TMX
    en_start: int
    en_end: int
    zh_spans: tuple[tuple[int, int], ...]  # empty: the word renders nothing


@dataclass
class Score:
    words: int = 0
    right_mass: float = 0.0
    best_right: int = 0

    def add(self, mass: float, best: bool) -> None:
        self.words += 1
        self.right_mass += mass
        self.best_right += best

    def __add__(self, other: Score) -> Score:
        return Score(self.words + other.words, self.right_mass + other.right_mass, self.best_right + other.best_right)

    def row(self, label: str) -> str:
        if not self.words:
            return f"{label:<24} {0:>5}"
        return (f"{label:<24} {self.words:>5}   right mass {self.right_mass / self.words:6.1%}"
                f"   best right {self.best_right}/{self.words} = {self.best_right / self.words:.1%}")


def read_links(path: Path) -> list[Link]:
    links = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            spans = () if row["zh"] == NONE else tuple(
                (int(start), int(end)) for start, end in (span.split("-") for span in row["zh"].split(",")))
            links.append(Link(row["file"], int(row["line"]), int(row["en_start"]), int(row["en_end"]), spans))
    return links


def overlaps(span: tuple[int, int], spans: tuple[tuple[int, int], ...]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def glossed(word_stem: str, chinese: str) -> bool:
    """Does a gloss of `chinese`, or of a dictionary word inside it, hold the English stem?"""
    pieces = {chinese[start:end] for start in range(len(chinese)) for end in range(start + 1, len(chinese) + 1)}
    return any(word_stem in gloss_stems(gloss) for piece in pieces for gloss in dictionary.lookup(piece))


def measure_file(path: Path, links: list[Link], misses: list) -> tuple[Score, Score, Score, int]:
    """Scores of the words rendering something, of those among them no gloss explains, and of those
    rendering nothing; links that no longer fit."""
    corpus = termsieve.read([str(path)])
    prepared = _prepare(corpus, False)
    segmenter = get_segmenter("jieba")
    chinese_words = [[token.text for token in tokens]
                     for tokens in _segment_each(prepared.simplified, segmenter.tokens, False)]
    alignment = WordAlignment(prepared.units, chinese_words, dictionary.lookup)
    unit_at_line = {pair.source_location.line: index for index, pair in enumerate(prepared.pairs)}
    rendering, unglossed, adding = Score(), Score(), Score()
    broken = 0
    for link in links:
        unit_index = unit_at_line.get(link.line)
        if unit_index is None:
            print(f"{link.file}:{link.line}: no unit there", file=sys.stderr)
            broken += 1
            continue
        words = prepared.units[unit_index].words
        j = next((k for k, word in enumerate(words) if (word.start, word.end) == (link.en_start, link.en_end)),
                 None)
        table = alignment.posteriors(unit_index)
        if j is None or table is None or j not in table[0]:
            print(f"{link.file}:{link.line}: characters {link.en_start}-{link.en_end} are not an English content "
                  f"word the alignment reads", file=sys.stderr)
            broken += 1
            continue
        content, spans, rows = table
        row = rows[content.index(j)]
        right = [not link.zh_spans] + [overlaps(span, link.zh_spans) for span in spans]
        mass = sum(value for value, is_right in zip(row, right) if is_right)
        best = max(range(len(row)), key=row.__getitem__)
        (rendering if link.zh_spans else adding).add(mass, right[best])
        simplified = prepared.simplified[unit_index]
        if link.zh_spans and not any(glossed(words[j].stem, simplified[start:end]) for start, end in link.zh_spans):
            unglossed.add(mass, right[best])
        if mass < 0.5:
            named = ["NULL"] + [simplified[start:end] for start, end in spans]
            went = sorted(range(len(row)), key=lambda k: -row[k])[:3]
            gold = " + ".join(simplified[start:end] for start, end in link.zh_spans) or "(nothing)"
            misses.append((mass, f"{link.file}:{link.line}", words[j].text, gold,
                           ", ".join(f"{named[k]} {row[k]:.2f}" for k in went)))
    return rendering, unglossed, adding, broken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=Path, default=DEFAULT_LINKS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--misses", type=int, default=0, metavar="N",
                        help="list the N words with the least right mass")
    args = parser.parse_args(argv)
    if not args.links.is_file():
        print(f"{args.links}: not found", file=sys.stderr)
        return 2
    by_file: dict[str, list[Link]] = defaultdict(list)
    for link in read_links(args.links):
        by_file[link.file].append(link)
    missing = [name for name in by_file if not (args.corpus / name).is_file()]
    if missing:
        print(f"{args.corpus}: {', '.join(missing)} not found (the links name them)", file=sys.stderr)
        return 2
    total_rendering, total_unglossed, total_adding = Score(), Score(), Score()
    broken = 0
    misses: list = []
    for name in sorted(by_file):
        rendering, unglossed, adding, file_broken = measure_file(args.corpus / name, by_file[name], misses)
        broken += file_broken
        print(rendering.row(f"{name} rendering"))
        print(adding.row(f"{name} added"))
        total_rendering += rendering
        total_unglossed += unglossed
        total_adding += adding
    overall = total_rendering + total_adding
    print(total_rendering.row("all, rendering"))
    print(total_unglossed.row("  no gloss gives it"))
    print(total_adding.row("all, added"))
    print(overall.row("all words"))
    if args.misses:
        print(f"\nThe {min(args.misses, len(misses))} words with the least right mass:")
        for mass, place, word, gold, went in sorted(misses)[: args.misses]:
            print(f"  {place}  {word} -> {gold}: right {mass:.2f}; went to {went}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
