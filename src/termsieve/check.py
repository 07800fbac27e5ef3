"""`termsieve check`: terminology QA of bilingual files against the approved glossary.

Finding codes (one finding per segment pair unless said otherwise):

- missing: an approved (preferred/admitted) source term occurs in the Chinese text, written in either
  script or as one of its listed variants, and none of its approved renderings occurs in the English.
  Not reported when a forbidden/deprecated rendering of the same term is there (`forbidden` says it).
- forbidden: a rendering marked forbidden occurs in the English text, or one marked deprecated occurs
  while its source term is in the Chinese text. A banned rendering that lies inside a longer approved
  one ("quality development" inside "high-quality development") does not count.
- inconsistent: across all the files of one run, per glossary term:
  (a) some pairs use a preferred rendering, others only an admitted one -> reported at each of the
      latter, with the count of pairs using the preferred;
  (b) no pair uses a preferred rendering (or the term has none) and the pairs use several approved
      renderings -> reported at each pair not using the most frequent one, with every rendering's count.
  Terms that are not in the glossary are not checked: without segmentation (which `check` does not
  load, to start fast) there is no decidable "term" to compare; run `termsieve extract` for those.
- untranslated: Chinese characters left in the English text, or a key-aligned entry with no English.

English matching is on normalized words: case-insensitive except for all-caps glossary words (AI,
GDP), regular plurals and possessives folded, hyphens equal to spaces (and "e-commerce" also matches
"ecommerce"), quotes and other punctuation ignored.

Source terms are found with one Aho-Corasick automaton over every glossary form (Simplified), run on
the Simplified text; renderings with a second automaton over the normalized English words.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .cjk import fold_width
from .model import Finding, Glossary, Location, SegmentPair, Severity, Status
from .scripts import to_simplified_all

CODES = ("missing", "forbidden", "inconsistent", "untranslated")
DEFAULT_SEVERITY: Mapping[str, Severity] = {
    "missing": Severity.ERROR,
    "forbidden": Severity.ERROR,
    "inconsistent": Severity.WARNING,
    "untranslated": Severity.ERROR,
}
RULE_DESCRIPTIONS: Mapping[str, str] = {
    "missing": "An approved source term occurs but none of its approved renderings does.",
    "forbidden": "A forbidden or deprecated rendering is used.",
    "inconsistent": "One glossary term is rendered differently across the files checked.",
    "untranslated": "Chinese text is left in the English target.",
}

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_WORD_OR_NEWLINE = re.compile(r"[^\W_]+(?:'[^\W_]+)*|\n")
_APOSTROPHES = ("’", "‘", "´")
_SHOWN_CHARS = 20


@dataclass(frozen=True)
class CheckOptions:
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # overrides DEFAULT_SEVERITY
    encoding: str | None = None  # codec of text, TSV and CSV inputs without a BOM (default UTF-8)

    def severity_of(self, code: str) -> Severity:
        return self.severity.get(code, DEFAULT_SEVERITY[code])


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]
    pair_count: int
    files: tuple[str, ...]

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)


# --- English normalization ---


def _singular(word: str) -> str:
    """A crude singular, applied alike to glossary renderings and text, so both sides agree."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _normal_word(word: str) -> str:
    if not word.islower():
        word = _strip_caps_plural(word).lower()
    if word.endswith("'s"):
        word = word[:-2]
    return _singular(word)


def english_words(text: str, keep_newlines: bool = False) -> list[str]:
    """Words as written (apostrophes unified); hyphens, quotes and punctuation separate them."""
    return (_WORD_OR_NEWLINE if keep_newlines else _WORD).findall(_unify_apostrophes(text))


def _unify_apostrophes(text: str) -> str:
    if not text.isascii():
        # str.replace is much faster than str.translate with a dict table on long texts.
        for apostrophe in _APOSTROPHES:
            text = text.replace(apostrophe, "'")
    return text.replace("`", "'")


def _strip_caps_plural(word: str) -> str:
    """"AIs" and "NGO's" are plurals/possessives of all-caps words."""
    if word[-1] != "s":
        return word
    for ending in ("'s", "s"):
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 2 and stem.isupper():
            return stem
    return word


def _is_all_caps(word: str) -> bool:
    if word.islower():
        return False
    word = _strip_caps_plural(word)
    return len(word) >= 2 and word.isupper()


# --- the glossary as two automata ---


class _Rendering:
    """One glossary rendering as the target automaton reports it (a plain class: made 10^4 times)."""

    __slots__ = ("allowed", "banned", "caps", "length", "needs_caps", "status", "target", "term")

    def __init__(self, term: str, target: str, status: Status, caps: tuple[bool, ...]):
        self.term = term  # Simplified source key
        self.target = target  # as written in the glossary
        self.status = status
        self.caps = caps  # per word: must be all-caps in the text too
        self.length = len(caps)
        self.needs_caps = any(caps)
        self.allowed = status.is_allowed
        self.banned = status.is_banned


class _Term:
    """A glossary term's renderings by status (a plain class: dataclasses cost import time)."""

    __slots__ = ("admitted", "allowed", "banned", "preferred", "source")

    def __init__(self, source: str, preferred: tuple[str, ...], admitted: tuple[str, ...],
                 banned: tuple[tuple[str, Status], ...]):
        self.source = source
        self.preferred = preferred
        self.admitted = admitted
        self.banned = banned
        self.allowed = preferred + admitted

    def preferred_hint(self) -> str:
        if self.preferred:
            return "use " + " or ".join(f'"{target}"' for target in self.preferred)
        if self.admitted:
            return "use " + " or ".join(f'"{target}"' for target in self.admitted)
        return "no approved rendering"


# A rendering found in the target: (first word index, end word index, rendering).
_Match = tuple[int, int, _Rendering]


class GlossaryIndex:
    """Everything `check` needs from the glossary, built once per run."""

    def __init__(self, glossary: Glossary):
        import ahocorasick

        grouped: dict[str, dict[Status, list[str]]] = defaultdict(lambda: defaultdict(list))
        forms: dict[str, set[str]] = defaultdict(set)
        for entry in glossary.entries:
            if entry.status is Status.REJECTED:
                continue  # "not a term": nothing to check
            for target in entry.targets:
                if target not in grouped[entry.source][entry.status]:
                    grouped[entry.source][entry.status].append(target)
            forms[entry.source].update((entry.source, *entry.variants))
        self.terms: dict[str, _Term] = {
            source: _Term(
                source=source,
                preferred=tuple(by_status[Status.PREFERRED]),
                admitted=tuple(by_status[Status.ADMITTED]),
                banned=tuple((target, status) for status in (Status.FORBIDDEN, Status.DEPRECATED)
                             for target in by_status[status]),
            )
            for source, by_status in grouped.items()
        }

        all_forms = sorted({form for values in forms.values() for form in values if form})
        simplified = dict(zip(all_forms, map(fold_width, to_simplified_all(all_forms))))
        self._sources = ahocorasick.Automaton()
        keyed: dict[str, set[str]] = defaultdict(set)
        for source, values in forms.items():
            for form in values:
                if form:
                    keyed[simplified[form]].add(source)
        for key, sources in keyed.items():
            self._sources.add_word(key, (key, tuple(sorted(sources))))
        self.has_sources = bool(keyed)
        if keyed:
            self._sources.make_automaton()

        self._normal_words = _NormalWords()
        self._targets = ahocorasick.Automaton()
        renderings: dict[str, list[_Rendering]] = defaultdict(list)
        for term in self.terms.values():
            statuses = [(t, Status.PREFERRED) for t in term.preferred] + [(t, Status.ADMITTED) for t in term.admitted]
            for target, status in statuses + list(term.banned):
                for key, caps in _rendering_keys(target, self._normal_words):
                    renderings[key].append(_Rendering(term.source, target, status, caps))
        for key, values in renderings.items():
            self._targets.add_word(key, (len(key), tuple(values)))
        self.has_targets = bool(renderings)
        if renderings:
            self._targets.make_automaton()

    def source_terms(self, simplified_source: str) -> list[str]:
        """Glossary terms in the text, longest leftmost match first (一带一路倡议 hides 一带一路)."""
        return self.source_terms_all([simplified_source])[0]

    def source_terms_all(self, simplified_sources: Sequence[str]) -> list[list[str]]:
        """`source_terms` of many texts in one pass (no glossary form holds a newline)."""
        found: list[list[str]] = [[] for _ in simplified_sources]
        if not self.has_sources or not simplified_sources:
            return found
        # Wrapped Chinese lines join without a space: a term may be broken across them.
        simplified_sources = [source.replace("\r", "").replace("\n", "") for source in simplified_sources]
        text = fold_width("\n".join(simplified_sources))  # length-preserving: line starts stay
        line, next_start = 0, len(simplified_sources[0]) + 1
        starts = iter([len(source) + 1 for source in simplified_sources[1:]] + [len(text) + 2])
        for end, (_key, sources) in self._sources.iter_long(text):
            if end >= next_start:
                while end >= next_start:
                    line += 1
                    next_start += next(starts)
            terms = found[line]
            for source in sources:
                if source not in terms:
                    terms.append(source)
        return found

    def target_matches(self, target: str) -> list[_Match]:
        """Every glossary rendering in the English text, by word span (nested and overlapping ones too)."""
        return self.target_matches_all([target])[0]

    def target_matches_all(self, targets: Sequence[str],
                           present: Sequence[set[str]] | None = None) -> list[list[_Match]]:
        """`target_matches` of many texts in one pass of the automaton over all of them.

        With `present` (per text, the source terms of its pair), approved renderings of other terms
        are left out: they matter only as containers of nested matches, which `target_matches` gives.
        """
        matches: list[list[_Match]] = [[] for _ in targets]
        if not self.has_targets or not targets:
            return matches
        # One haystack " w1 w2 \n w3 ... ": a newline token between texts, which no key contains.
        text = "\n".join(target.replace("\n", " ").replace("\r", " ") for target in targets)
        tokens = english_words(text, keep_newlines=True)
        haystack = " " + " ".join(map(self._normal_words.__getitem__, tokens)) + " "
        line_starts = [0]
        position = haystack.find("\n")
        while position >= 0:
            line_starts.append(position + 1)
            position = haystack.find("\n", position + 1)
        written: dict[int, list[str]] = {}
        count = haystack.count
        line, line_start = 0, 0
        line_starts.append(len(haystack) + 1)
        next_start = line_starts[1]
        wanted = present[0] if present is not None else None
        found = matches[0]
        # The automaton reports matches in the order they end, so texts come one after the other.
        for end, (key_length, renderings) in self._targets.iter(haystack):
            start = end - key_length + 1  # the key's leading space
            if start >= next_start:
                while start >= next_start:
                    line += 1
                    next_start = line_starts[line + 1]
                line_start = line_starts[line]
                wanted = present[line] if present is not None else None
                found = matches[line]
            # Each text starts on a space, as its keys do: the spaces before the key's own one count
            # the words before it.
            first = count(" ", line_start, start)
            for rendering in renderings:
                if wanted is not None and rendering.allowed and rendering.term not in wanted:
                    continue
                if rendering.needs_caps:
                    words = written.get(line)
                    if words is None:
                        words = written[line] = english_words(targets[line])
                    if not all(_is_all_caps(word) or not caps for word, caps in zip(words[first:], rendering.caps)):
                        continue
                found.append((first, first + rendering.length, rendering))
        return matches


class _NormalWords(dict):
    """Memo of `_normal_word`: texts repeat their words, and a dict lookup is far cheaper."""

    def __missing__(self, word: str) -> str:
        folded = self[word] = _normal_word(word)
        return folded


def _rendering_keys(target: str, normal: _NormalWords) -> list[tuple[str, tuple[bool, ...]]]:
    words = english_words(target)
    if not words:
        return []
    keys = [(" " + " ".join(map(normal.__getitem__, words)) + " ", tuple(map(_is_all_caps, words)))]
    if "-" in target:
        # "e-commerce" also matches "ecommerce": join the words each hyphen links.
        joined = english_words(re.sub(r"(?<=\w)-(?=\w)", "", target))
        if joined != words:
            keys.append((" " + " ".join(map(normal.__getitem__, joined)) + " ", tuple(map(_is_all_caps, joined))))
    return keys


# --- checking pairs ---


class _Usage:
    """Which approved renderings of one term one pair uses."""

    __slots__ = ("pair", "renderings")

    def __init__(self, pair: SegmentPair, renderings: frozenset[str]):
        self.pair = pair
        self.renderings = renderings

    @property
    def location(self) -> Location:
        return _finding_location(self.pair)


def check_pairs(pairs: Sequence[SegmentPair], glossary: Glossary | GlossaryIndex,
                options: CheckOptions | None = None) -> list[Finding]:
    """All findings for these pairs, sorted by location; `inconsistent` looks across all of them."""
    options = options or CheckOptions()
    index = glossary if isinstance(glossary, GlossaryIndex) else GlossaryIndex(glossary)
    findings: list[Finding] = []
    usages: dict[str, list[_Usage]] = defaultdict(list)
    simplified_sources = to_simplified_all([pair.source for pair in pairs])

    def add(code: str, location: Location, message: str) -> None:
        if code not in options.ignore:
            findings.append(Finding(location, code, message, options.severity_of(code)))

    terms_by_source = index.terms
    all_terms = index.source_terms_all(simplified_sources)
    all_present = [set(terms) for terms in all_terms]
    all_matches = index.target_matches_all([pair.target for pair in pairs], all_present)
    for pair, terms, present, matches in zip(pairs, all_terms, all_present, all_matches):
        target = pair.target
        if not target.isascii() or not target.strip():
            untranslated, offset = _untranslated(pair)
            if untranslated:
                add("untranslated", _location_at(pair, offset), untranslated)
            if not target.strip():
                continue
        if not terms and not matches:
            continue
        # Approved renderings of the terms in the source, and banned renderings of any term.
        used: dict[str, list[_Match]] = {}
        banned: list[_Match] = []
        for match in matches:
            rendering = match[2]
            if rendering.allowed:
                if rendering.term in present:
                    used.setdefault(rendering.term, []).append(match)
            elif rendering.status is not Status.DEPRECATED or rendering.term in present:
                banned.append(match)
        banned_terms: set[str] = set()
        every_match = index.target_matches(target) if banned else matches
        for match in banned:
            rendering = match[2]
            if _is_nested(match, every_match):
                continue
            banned_terms.add(rendering.term)
            add("forbidden", _location_at(pair, _word_offset(target, match[0])),
                f'"{rendering.target}" is {rendering.status.value} for {rendering.term}; '
                f"{terms_by_source[rendering.term].preferred_hint()}")
        for source in terms:
            term = terms_by_source[source]
            if not term.allowed:
                continue
            if source in used:
                found = used[source]
                renderings = frozenset(match[2].target for match in found)
                if len(renderings) > 1:
                    # "Belt and Road" inside "Belt and Road Initiative" is not a second rendering.
                    every_match = index.target_matches(target)
                    renderings = frozenset(match[2].target for match in found
                                           if not _is_nested(match, every_match)) or renderings
                usages[source].append(_Usage(pair, renderings))
            elif source not in banned_terms:
                expected = " or ".join(f'"{target}"' for target in term.allowed)
                add("missing", _finding_location(pair), f"{source} is not rendered as {expected}")

    for source, term_usages in usages.items():
        for location, message in _inconsistencies(index.terms[source], term_usages):
            add("inconsistent", location, message)
    return sorted(set(findings))  # a rendering used twice in one pair is one finding


def _is_nested(match: _Match, matches: list[_Match]) -> bool:
    """Whether a longer approved rendering found in the same text contains this one."""
    start, end, _rendering = match
    return any(other_start <= start and end <= other_end and other_end - other_start > end - start
               and rendering.allowed for other_start, other_end, rendering in matches)


def _inconsistencies(term: _Term, usages: list[_Usage]) -> Iterable[tuple[Location, str]]:
    preferred = set(term.preferred)
    with_preferred = [usage for usage in usages if usage.renderings & preferred]
    if with_preferred:
        for usage in usages:
            if usage.renderings & preferred:
                continue
            others = len(with_preferred)
            admitted = ", ".join(f'"{target}"' for target in sorted(usage.renderings))
            yield usage.location, (
                f"{term.source} rendered {admitted} (admitted) here but "
                f'{" or ".join(chr(34) + t + chr(34) for t in term.preferred)} (preferred) in '
                f"{others} other place{'s' if others != 1 else ''}"
            )
        return
    counts: Counter[str] = Counter()
    for usage in usages:
        counts.update(usage.renderings)
    if len(counts) < 2:
        return
    order = {target: position for position, target in enumerate(term.allowed)}
    ranked = sorted(counts, key=lambda target: (-counts[target], order.get(target, len(order))))
    main = ranked[0]
    summary = ", ".join(f'"{target}" ({counts[target]})' for target in ranked)
    for usage in usages:
        if main not in usage.renderings:
            here = ", ".join(f'"{target}"' for target in sorted(usage.renderings))
            yield usage.location, f"{term.source} rendered {here} here; renderings in the files checked: {summary}"


@lru_cache(maxsize=1)
def _cjk_runs() -> re.Pattern[str]:
    # Compiled on first non-ASCII target: the CJK ranges cost milliseconds to compile.
    return re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


def _untranslated(pair: SegmentPair) -> tuple[str, int]:
    """The `untranslated` message for a pair ("" when fine), and where in the target it starts."""
    if not pair.target.strip():
        if pair.source.strip():
            what = f" for key {pair.key}" if pair.key else ""
            return f"no English translation{what}", 0
        return "", 0
    if pair.target.isascii():
        return "", 0
    runs = list(_cjk_runs().finditer(pair.target))
    if not runs:
        return "", 0
    first = runs[0].group()
    shown = first if len(first) <= _SHOWN_CHARS else first[:_SHOWN_CHARS] + "…"
    more = f" (and {len(runs) - 1} more)" if len(runs) > 1 else ""
    return f'Chinese text left in the target: "{shown}"{more}', runs[0].start()


def _location_at(pair: SegmentPair, offset: int) -> Location:
    """The finding location of a pair, moved down to the line of `offset` in a wrapped paragraph."""
    location = _finding_location(pair)
    lines_before = pair.target.count("\n", 0, offset)
    if location.cell or not lines_before:
        return location
    return Location(location.path, location.line + lines_before, 1)


def _word_offset(text: str, word_index: int) -> int:
    for position, found in enumerate(_WORD.finditer(_unify_apostrophes(text))):
        if position == word_index:
            return found.start()
    return 0


def _finding_location(pair: SegmentPair) -> Location:
    """Where the English is (that is what to fix); 1-based line and column."""
    location = pair.target_location if pair.target_location.path else pair.source_location
    if location.cell:
        return location
    return Location(location.path, max(location.line, 1), max(location.column, 1))


# --- files: planning, reading, running ---


@dataclass(frozen=True)
class InputGroup:
    """Files read together by one reader; `format` None lets the readers tell by extension and content."""

    paths: tuple[str, ...]
    format: str | None = None


# A pair rule names two files; these formats read such a pair in one call.
_PAIR_FORMATS = {"text": "parallel", "po": "po-pair", "json": "json", "yaml": "yaml", "markdown": "markdown"}


def plan_inputs(paths: Sequence[str], config, input_format: str | None = None, *,
                skip: Sequence = (), skip_unpaired: bool = False) -> list[InputGroup]:
    """Which files to read, and how: excludes and includes applied, partners of paired files added.

    Glossary files (configured, or in `skip`) are never read as input. With `skip_unpaired`, files
    of a two-file format (JSON, YAML, Markdown) that no pair rule names are skipped rather than
    refused: pre-commit passes every changed README.md or package.json.
    """
    from pathlib import Path

    from .errors import InputError
    from .readers import PATHS_PER_CALL, detect_format

    glossaries = {Path(glossary).resolve() for glossary in (*config.glossaries, *skip)}
    groups: list[InputGroup] = []
    seen_pairs: set[tuple[Path, Path]] = set()
    free: list[str] = []
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise InputError("file not found" if not path.exists() else "not a file", path=name)
        if path.resolve() in glossaries or config.is_excluded(path) or not config.is_included(path):
            continue
        partner = config.partner_of(path)
        if partner is None:
            if skip_unpaired and input_format is None and _is_two_file_format(path):
                continue
            free.append(name)
            continue
        zh, en = partner
        key = (zh.resolve(), en.resolve())
        if key in seen_pairs:
            continue
        seen_pairs.add(key)
        for side in partner:
            if not side.is_file():
                raise InputError(f"the partner of {name} named by the pairs rule does not exist",
                                 path=_display(side))
        format_name = input_format or detect_format(zh)
        pair_format = _PAIR_FORMATS.get(format_name, format_name)
        if PATHS_PER_CALL.get(pair_format, 1) != 2:
            raise InputError(f"{format_name} files hold both languages; they cannot be a pair of files",
                             path=_display(zh))
        groups.append(InputGroup((_display(zh), _display(en)), pair_format))
    if free:
        groups.extend(_free_groups(free, input_format))
    return groups


def _is_two_file_format(path) -> bool:
    from .errors import FormatError
    from .readers import detect_format

    try:
        return detect_format(path) in ("json", "yaml", "markdown")
    except FormatError:
        return False


def _free_groups(paths: list[str], input_format: str | None) -> list[InputGroup]:
    """Files no pair rule names: a two-file format takes them two by two, in the order given."""
    from .errors import InputError
    from .readers import PATHS_PER_CALL, detect_format

    if input_format is not None:
        return [InputGroup(tuple(paths), input_format)]
    formats = {path: detect_format(path) for path in paths}
    # Keep files of one format next to each other so that pairs of them make one reader call.
    order = list(dict.fromkeys(formats.values()))
    paths = sorted(paths, key=lambda path: order.index(formats[path]))
    for name in order:
        named = [path for path in paths if formats[path] == name]
        if PATHS_PER_CALL.get(name, 1) == 2 and len(named) % 2:
            raise InputError(
                f"{name} files are read in pairs (Chinese and English); pass its partner too, or "
                "configure [[tool.termsieve.pairs]] so that check finds it", path=named[-1])
    po_files = [path for path in paths if path.lower().endswith(".po")]
    if len(po_files) == 2:
        from pathlib import Path

        from .readers.po import _messages, is_chinese_source

        if not all(is_chinese_source(_messages(Path(path))) for path in po_files):
            rest = [path for path in paths if path not in po_files]
            return [InputGroup(tuple(po_files), "po-pair"), *([InputGroup(tuple(rest))] if rest else [])]
    return [InputGroup(tuple(paths))]


def read_groups(groups: Sequence[InputGroup], encoding: str | None = None) -> tuple[list[SegmentPair], list[str]]:
    """All pairs of all groups, and the files they came from (`encoding`: see ReadOptions)."""
    from pathlib import Path

    from .errors import InputError
    from .readers import PATHS_PER_CALL, READERS, ReadOptions, read_corpus

    pairs: list[SegmentPair] = []
    files: list[str] = []
    options = ReadOptions(encoding=encoding)
    for group in groups:
        try:
            if group.format is None or group.format in ("tsv", "csv", "xlsx", "tmx", "text"):
                corpus = read_corpus(list(group.paths), format=group.format, options=options, checksums=False)
                pairs.extend(corpus.pairs)
                files.extend(item.path for item in corpus.inputs)
            else:
                reader = READERS.get(group.format)
                count = PATHS_PER_CALL.get(group.format, 1)
                if len(group.paths) % count:
                    raise InputError(f"{group.format} files are read in pairs (Chinese and English); "
                                     f"got {len(group.paths)}", path=group.paths[-1])
                for first in range(0, len(group.paths), count):
                    pairs.extend(reader([Path(path) for path in group.paths[first: first + count]], options))
                files.extend(group.paths)
        except OSError as error:
            raise InputError(f"cannot read: {error.strerror or error}",
                             path=getattr(error, "filename", None) or group.paths[0]) from None
    return pairs, files


def load_glossaries(paths: Sequence) -> Glossary:
    from .glossary import read_glossary

    entries = []
    for path in paths:
        entries.extend(read_glossary(path).entries)
    return Glossary(tuple(entries))


def run_check(paths: Sequence[str], glossary: Glossary, config, options: CheckOptions | None = None,
              input_format: str | None = None, *, skip: Sequence = (), skip_unpaired: bool = False) -> CheckResult:
    """Plan, read and check files; the library entry point behind `termsieve check`."""
    pairs, files = read_groups(plan_inputs(paths, config, input_format, skip=skip, skip_unpaired=skip_unpaired),
                               encoding=options.encoding if options else None)
    findings = check_pairs(pairs, glossary, options)
    return CheckResult(findings=tuple(findings), pair_count=len(pairs), files=tuple(files))


def _display(path) -> str:
    import os
    from pathlib import Path

    path = Path(path)
    try:
        return Path(os.path.relpath(path.resolve(), Path.cwd())).as_posix() if path.is_absolute() else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


# --- output ---

_SEVERITY_RANK = {Severity.NOTE: 1, Severity.WARNING: 2, Severity.ERROR: 3}


def fails(result: CheckResult, fail_on: Severity = Severity.ERROR) -> bool:
    """Whether the findings make the exit status 1: any at `fail_on` or more severe."""
    return any(_SEVERITY_RANK[finding.severity] >= _SEVERITY_RANK[fail_on] for finding in result.findings)


def format_location(location: Location) -> str:
    if location.cell:
        return f"{location.path}:{location.cell}"
    return f"{location.path}:{max(location.line, 1)}:{max(location.column, 1)}"


def format_text(findings: Iterable[Finding]) -> str:
    lines = []
    for finding in findings:
        marker = "" if finding.severity is Severity.ERROR else f" [{finding.severity.value}]"
        lines.append(f"{format_location(finding.location)}: {finding.code} {finding.message}{marker}")
    return "".join(line + "\n" for line in lines)


def summary(result: CheckResult) -> str:
    checked = (f"{len(set(result.files))} file{'s' if len(set(result.files)) != 1 else ''}, "
               f"{result.pair_count} segment pair{'s' if result.pair_count != 1 else ''}")
    if not result.findings:
        return f"termsieve check: no findings ({checked})"
    by_code = Counter(finding.code for finding in result.findings)
    counts = ", ".join(f"{by_code[code]} {code}" for code in CODES if by_code[code])
    levels = ", ".join(f"{result.count(level)} {level.value}{'s' if result.count(level) != 1 else ''}"
                       for level in Severity if result.count(level))
    total = len(result.findings)
    return f"termsieve check: {total} finding{'s' if total != 1 else ''} ({levels}; {counts}) in {checked}"


def _finding_dict(finding: Finding) -> dict:
    location = finding.location
    return {
        "path": location.path, "line": location.line, "column": location.column, "cell": location.cell,
        "code": finding.code, "severity": finding.severity.value, "message": finding.message,
    }


def format_json(result: CheckResult) -> str:
    import json

    document = {
        "findings": [_finding_dict(finding) for finding in result.findings],
        "summary": {
            "files": len(set(result.files)), "pairs": result.pair_count, "findings": len(result.findings),
            **{level.value: result.count(level) for level in Severity},
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def format_sarif(result: CheckResult, options: CheckOptions | None = None) -> str:
    """SARIF 2.1.0 log with one run; spreadsheet cells become startLine=row, startColumn=column."""
    import json

    from . import __version__

    options = options or CheckOptions()
    rule_index = {code: index for index, code in enumerate(CODES)}
    rules = [
        {
            "id": code,
            "name": code.capitalize(),
            "shortDescription": {"text": RULE_DESCRIPTIONS[code]},
            "defaultConfiguration": {"level": options.severity_of(code).value},
        }
        for code in CODES
    ]
    results = []
    for finding in result.findings:
        location = finding.location
        line, column = location.line, location.column
        physical: dict = {"artifactLocation": {"uri": _uri(location.path)}}
        entry: dict = {
            "ruleId": finding.code,
            "ruleIndex": rule_index[finding.code],
            "level": finding.severity.value,
            "message": {"text": finding.message},
        }
        if location.cell:
            line, column = _cell_position(location.cell)
            entry["locations"] = [{"physicalLocation": physical, "logicalLocations": [{"name": location.cell}]}]
        else:
            entry["locations"] = [{"physicalLocation": physical}]
        physical["region"] = {"startLine": max(line, 1), "startColumn": max(column, 1)}
        results.append(entry)
    log = {
        "version": "2.1.0",
        "$schema": SARIF_SCHEMA,
        "runs": [{
            "tool": {"driver": {"name": "termsieve", "version": __version__,
                                "informationUri": "https://github.com/termsieve/termsieve", "rules": rules}},
            "results": results,
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _uri(path: str) -> str:
    from pathlib import Path
    from urllib.parse import quote

    if Path(path).is_absolute():
        return Path(path).as_uri()
    return quote(Path(path).as_posix())


def _cell_position(cell: str) -> tuple[int, int]:
    reference = cell.rpartition("!")[2].replace("$", "")
    found = re.fullmatch(r"([A-Za-z]+)(\d+)", reference)
    if not found:
        return 1, 1
    column = 0
    for char in found.group(1).upper():
        column = column * 26 + ord(char) - ord("A") + 1
    return int(found.group(2)), column
