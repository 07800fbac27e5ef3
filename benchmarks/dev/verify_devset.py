"""Check every row of the hand-built dev set against the TMX file it names.

For each row of gr-terms.tsv: the zh term must occur in the Chinese side of some translation unit of
`file`, and one of its English renderings (" | "-separated) must occur, ignoring case and runs of
spaces, in the English side of a unit whose Chinese side has the term. Also checks the header, the
kind column, and that no (zh, file) pair is listed twice.

    python benchmarks/dev/verify_devset.py [--corpus DIR] [--devset FILE]

DIR defaults to ../shared/corpus next to the repository. Exits 1 when a row fails, 2 when a file is
missing, 0 when all rows check out.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_DEVSET = HERE / "gr-terms.tsv"
COLUMNS = ("zh", "en", "kind", "file", "note")
KINDS = ("direct", "free")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Row:
    line: int
    zh: str
    renderings: tuple[str, ...]
    kind: str
    file: str


def read_devset(path: Path) -> tuple[list[Row], list[str]]:
    """The rows, and problems found in the file itself (header, kind, empty cells, duplicates)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    problems: list[str] = []
    if not lines or tuple(lines[0].split("\t")) != COLUMNS:
        return [], [f"{path}:1: header must be {' '.join(COLUMNS)} (tab-separated)"]
    rows: list[Row] = []
    seen: dict[tuple[str, str], int] = {}
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        fields = text.split("\t")
        if len(fields) != len(COLUMNS):
            problems.append(f"{path}:{number}: {len(fields)} fields, expected {len(COLUMNS)}")
            continue
        zh, en, kind, file, _note = (field.strip() for field in fields)
        renderings = tuple(part.strip() for part in en.split("|") if part.strip())
        if not zh or not renderings or not file:
            problems.append(f"{path}:{number}: zh, en and file must not be empty")
            continue
        if kind not in KINDS:
            problems.append(f"{path}:{number}: kind {kind!r} is not one of {', '.join(KINDS)}")
        if (zh, file) in seen:
            problems.append(f"{path}:{number}: {zh} is already listed for {file} on line {seen[zh, file]}")
        seen[zh, file] = number
        rows.append(Row(number, zh, renderings, kind, file))
    return rows, problems


@cache
def read_tmx(path: Path) -> tuple[tuple[str, str], ...]:
    """(Chinese, English) text of each translation unit."""
    units = []
    for tu in ElementTree.parse(path).getroot().iter("tu"):
        chinese = english = ""
        for tuv in tu.iter("tuv"):
            segment = tuv.find("seg")
            text = "".join(segment.itertext()) if segment is not None else ""
            if tuv.get(XML_LANG, tuv.get("lang", "")).lower().startswith("zh"):
                chinese = text
            else:
                english = text
        units.append((chinese, english))
    return tuple(units)


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").casefold().split())


def check_row(row: Row, corpus: Path) -> Iterator[str]:
    units = read_tmx(corpus / row.file)
    with_term = [english for chinese, english in units if row.zh in chinese]
    if not with_term:
        yield f"line {row.line}: {row.zh} does not occur in the Chinese of {row.file}"
        return
    english_text = [_plain(english) for english in with_term]
    if not any(_plain(rendering) in text for rendering in row.renderings for text in english_text):
        yield (f"line {row.line}: none of {' | '.join(row.renderings)!r} is in the English of the "
               f"{len(with_term)} unit(s) of {row.file} with {row.zh}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="directory with GR20xx.tmx")
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    args = parser.parse_args(argv)
    rows, problems = read_devset(args.devset)
    missing = sorted({row.file for row in rows if not (args.corpus / row.file).is_file()})
    if missing:
        print(f"missing corpus file(s) in {args.corpus}: {', '.join(missing)}", file=sys.stderr)
        return 2
    for row in rows:
        problems.extend(check_row(row, args.corpus))
    for problem in problems:
        print(problem)
    by_file: dict[str, int] = {}
    for row in rows:
        by_file[row.file] = by_file.get(row.file, 0) + 1
    kinds = {kind: sum(row.kind == kind for row in rows) for kind in KINDS}
    print(f"{len(rows)} rows ({', '.join(f'{k} {n}' for k, n in kinds.items())}); "
          f"{len({row.zh for row in rows})} distinct terms; per file: "
          + ", ".join(f"{name} {count}" for name, count in sorted(by_file.items())))
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
