"""Measure sentence alignment on sentence-aligned TMX files re-joined into paragraphs.

    python benchmarks/align_accuracy.py FILE.tmx [FILE.tmx ...] [--seed 1] [--threshold 0.9 0.5 0]

Consecutive translation units are joined into paragraphs of 3 to 6 units (Chinese joined directly,
English with a space), given to `termsieve.sentences.align_corpus` as PARAGRAPH pairs, and the
pieces it returns are compared with the units:

  links recovered  units whose start and end are both boundaries of the output (the unit comes
                   back exactly, or split further at finer boundaries)
  cuts correct     output boundaries falling on a unit boundary on both sides
  cuts inside      output boundaries inside one unit on both sides (finer than the TMX: cannot be
                   checked, not counted wrong)
  cuts wrong       the rest: a boundary that puts text of one unit with the translation of another
  reachable        unit boundaries where both sentence splitters cut at all (an upper bound for
                   links recovered: a TMX unit ending at a Chinese comma cannot come back)
"""

from __future__ import annotations

import argparse
import bisect
import random
import sys
from dataclasses import dataclass

from termsieve.model import Granularity, Location, SegmentPair
from termsieve.readers import read_corpus
from termsieve.sentences import CONFIDENT_BOUNDARY, align_corpus, split_chinese, split_english


@dataclass
class Tally:
    links: int = 0
    recovered: int = 0
    reachable_links: int = 0
    cuts_correct: int = 0
    cuts_inside: int = 0
    cuts_wrong: int = 0
    pieces: int = 0
    paragraphs: int = 0

    def report(self, label: str) -> str:
        cuts = self.cuts_correct + self.cuts_inside + self.cuts_wrong
        return (
            f"{label}: {self.paragraphs} paragraphs, {self.links} links, {self.pieces} pieces out | "
            f"links recovered {self.recovered / self.links:.1%} "
            f"(reachable {self.reachable_links / self.links:.1%}; "
            f"{self.recovered / max(self.reachable_links, 1):.1%} of reachable) | "
            f"cuts {cuts}: correct {self.cuts_correct / max(cuts, 1):.1%}, "
            f"inside a unit {self.cuts_inside / max(cuts, 1):.1%}, wrong {self.cuts_wrong / max(cuts, 1):.1%}"
        )


def make_paragraphs(pairs: list[SegmentPair], rng: random.Random):
    """(paragraph pair, Chinese unit start offsets, English unit start offsets) with the end offset last."""
    index = 0
    while index < len(pairs):
        size = rng.randint(3, 6)
        group = pairs[index: index + size]
        index += size
        zh_starts, en_starts = [], []
        zh, en = "", ""
        for pair in group:
            zh_starts.append(len(zh))
            zh += pair.source
            if en:
                en += " "
            en_starts.append(len(en))
            en += pair.target
        zh_starts.append(len(zh))
        en_starts.append(len(en))
        paragraph = SegmentPair(zh, en, Location("benchmark", 1), Location("benchmark", 1), Granularity.PARAGRAPH)
        yield paragraph, zh_starts, en_starts


def _unit_of(starts: list[int], offset: int) -> tuple[int, bool]:
    """(index of the unit holding `offset`, whether `offset` is exactly that unit's start)."""
    position = bisect.bisect_right(starts, offset) - 1
    return position, starts[position] == offset


def score(pairs: list[SegmentPair], threshold: float, seed: int, tally: Tally) -> None:
    rng = random.Random(seed)
    for paragraph, zh_starts, en_starts in make_paragraphs(pairs, rng):
        tally.paragraphs += 1
        links = len(zh_starts) - 1
        tally.links += links
        pieces = align_corpus([paragraph], threshold=threshold)
        tally.pieces += len(pieces)
        cuts = {(piece.source_location.column - 1, piece.target_location.column - 1) for piece in pieces[1:]}
        joint = {(0, 0), (zh_starts[-1], en_starts[-1])}
        for zh_offset, en_offset in cuts:
            zh_unit, zh_exact = _unit_of(zh_starts, zh_offset)
            en_unit, en_exact = _unit_of(en_starts, en_offset)
            if zh_exact and en_exact and zh_unit == en_unit:
                tally.cuts_correct += 1
                joint.add((zh_offset, en_offset))
            elif zh_unit == en_unit and not zh_exact and not en_exact:
                tally.cuts_inside += 1
            else:
                tally.cuts_wrong += 1
        zh_sentence_starts = {span.start for span in split_chinese(paragraph.source)} | {zh_starts[-1]}
        en_sentence_starts = {span.start for span in split_english(paragraph.target)} | {en_starts[-1]}
        for link in range(links):
            start = (zh_starts[link], en_starts[link])
            end = (zh_starts[link + 1], en_starts[link + 1])
            if start in joint and end in joint:
                tally.recovered += 1
            if all(zh in zh_sentence_starts and en in en_sentence_starts for zh, en in (start, end)):
                tally.reachable_links += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tmx", nargs="+", help="sentence-aligned TMX files (read only)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, nargs="+", default=[CONFIDENT_BOUNDARY],
                        help=f"boundary posterior thresholds to compare (default {CONFIDENT_BOUNDARY})")
    arguments = parser.parse_args(argv)
    pairs_by_file = {path: list(read_corpus([path]).pairs) for path in arguments.tmx}
    for threshold in arguments.threshold:
        total = Tally()
        for path, pairs in pairs_by_file.items():
            tally = Tally()
            score(pairs, threshold, arguments.seed, tally)
            if len(pairs_by_file) > 1:
                print(tally.report(f"  {path}"))
            for name in vars(total):
                setattr(total, name, getattr(total, name) + getattr(tally, name))
        print(total.report(f"threshold {threshold}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
