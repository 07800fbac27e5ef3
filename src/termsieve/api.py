"""The functions a Python user calls: extract terms from a bilingual corpus, or align given terms."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .alignment import WordAlignment
from .chinese import Segmenter, get_segmenter, relaxed_search_form, search_form, to_simplified
from .cjk import has_cjk, is_cjk_char
from .errors import InputError
from .matching import (
    Matcher,
    SpanScore,
    TermMatch,
    TermOccurrence,
    astuple_match,
    astuple_span,
    link_competitively,
)
from .model import Corpus, Glossary, Location, SegmentPair
from .results import Alternative, Context, Extraction, Span, TermResult
from .runtime import paused_gc

if TYPE_CHECKING:
    from .candidates import Candidate  # imported when candidates are looked for, not by every caller

DEFAULT_MIN_TERMHOOD = 0.5
DEFAULT_MIN_SCORE_FOR_WEAK_TERMS = 0.7
MAX_CONTEXTS = 20
# A term seen hundreds of times is judged on a spread sample of its occurrences; co-occurrence
# counts still use them all.
MAX_OCCURRENCES_SCORED = 40
MAX_OCCURRENCES_GATED = 10
# A two-character word stands as a term of its own only when general language rarely uses it
# (税负, 秸秆, 单产; not 市场 or 收入). Zipf 3.7: about five uses in a million words.
_RARE_SHORT_WORD_ZIPF = 3.7
MAX_JOBS = 4
# Automatic worker counts keep the estimated peak of all processes under this.
MEMORY_BUDGET_MB = 1024
# Below this many occurrences to score, starting a worker process costs more than it saves.
MIN_OCCURRENCES_PER_JOB = 1500
# Peak memory of each matching process, as a multiple of this process's size before matching, when
# workers stay for the second choice.
_PEAK_PER_PROCESS = 1.35
# Choosing again costs about 0.3 ms a term; sending a share to a running worker and its results back,
# a few ms.
MIN_TERMS_PER_RECHOICE_JOB = 400


@dataclass(frozen=True)
class ExtractOptions:
    segmenter: Segmenter = Segmenter.JIEBA
    # Candidates at or above this termhood are kept whatever their English; those between
    # `weak_termhood` and it are kept when their English equivalent scores `min_score_for_weak_terms`.
    min_termhood: float = DEFAULT_MIN_TERMHOOD
    weak_termhood: float = 0.2
    min_score_for_weak_terms: float = DEFAULT_MIN_SCORE_FOR_WEAK_TERMS
    max_terms: int | None = None
    user_words: tuple[str, ...] = ()  # e.g. the terms of a glossary, added to the segmenter
    # Order each term's candidates with the learned re-ranker (termsieve.rerank); off: the hand ranking.
    rerank: bool = True
    # Processes that score English spans; 0 picks one per idle usable core (at most MAX_JOBS). The
    # result does not depend on it, so it is not part of the signature.
    jobs: int = 0

    def signature(self, dictionary_edition: str) -> dict[str, str]:
        return {
            "version": __version__,
            "segmenter": self.segmenter.value,
            "dictionary": f"CC-CEDICT {dictionary_edition}",
            "min_termhood": str(self.min_termhood),
            "weak_termhood": str(self.weak_termhood),
            "min_score_for_weak_terms": str(self.min_score_for_weak_terms),
            "max_terms": str(self.max_terms or ""),
            "rerank": "on" if self.rerank else "off",
        }


@dataclass(frozen=True)
class _Prepared:
    pairs: list[SegmentPair]
    simplified: list[str]
    units: list  # matching.Unit


def read(paths: Sequence[str | Path], format: str | None = None, *, source_column: str | None = None,
         target_column: str | None = None, encoding: str | None = None) -> Corpus:
    """Read bilingual files into aligned pairs; the format comes from the extension unless given.

    `encoding` (gb18030, big5...) is for plain text, TSV and CSV files saved in something other than
    UTF-8; a byte-order mark still wins.
    """
    from .readers import ReadOptions, read_corpus

    options = ReadOptions(source_column=source_column, target_column=target_column, encoding=encoding)
    return read_corpus(list(paths), format=format, options=options)


def read_term_list(path: str | Path, fallback_encoding: str | None = None) -> list[str]:
    """Source terms, one per line; blank lines and `#` comments are ignored.

    The list is UTF-8 (or has a BOM); `fallback_encoding` (the corpus's --encoding) is tried only
    when it is not, since a UTF-8 list read as GB18030 would decode without error into nonsense,
    while GB18030 or Big5 text is almost never valid UTF-8.
    """
    from .readers import read_text_file

    try:
        text = read_text_file(path)
    except InputError:
        if fallback_encoding is None:
            raise
        text = read_text_file(path, fallback_encoding)
    terms = []
    for line in text.splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            terms.append(term)
    if not terms:
        raise InputError("no terms in the list (one term per line expected)", path=str(path))
    return terms


def load_glossaries(paths: Sequence[str | Path]) -> Glossary:
    from .glossary import read_glossary

    entries = []
    for path in paths:
        entries.extend(read_glossary(path).entries)
    return Glossary(tuple(entries))


def glossary_words(glossary: Glossary) -> tuple[str, ...]:
    """Source terms of a glossary, in every written form, for the segmenter's dictionary."""
    words = {to_simplified(word) for entry in glossary.entries for word in (entry.source, *entry.variants)}
    return tuple(sorted(word for word in words if word))


def _prepare(corpus: Corpus, progress: bool) -> _Prepared:
    from .english import tokenize
    from .matching import make_unit
    from .sentences import align_corpus

    pairs = [pair for pair in align_corpus(corpus.pairs) if has_cjk(pair.source)]
    simplified = [to_simplified(pair.source) for pair in pairs]
    english_words: dict[str, list] = {}  # repeated sentences (translation memories) are tokenized once
    units = [make_unit(text, pair.target, english_words.get(pair.target) or
                       english_words.setdefault(pair.target, tokenize(pair.target)))
             for text, pair in zip(simplified, _progress(pairs, progress, "English"))]
    return _Prepared(pairs, simplified, units)


def _segment_each(texts: Sequence[str], segment, progress: bool) -> list:
    """`segment` of every text, each distinct text segmented once (translation memories repeat)."""
    segmented: dict[str, list] = {}
    return [segmented.get(text) or segmented.setdefault(text, segment(text))
            for text in _progress(texts, progress, "Segmenting")]


def _tqdm():
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: matching may fork worker processes
    return tqdm


def _progress(items, enabled: bool, label: str):
    if not enabled:
        return items
    return _tqdm()(items, desc=label, unit="seg", leave=False, disable=None)


def _progress_bar(total: int, enabled: bool, label: str):
    if not enabled:
        return None
    return _tqdm()(total=total, desc=label, unit="term", leave=False, disable=None)


def extract(corpus: Corpus, options: ExtractOptions | None = None, progress: bool = False) -> Extraction:
    """Find term candidates in the Chinese and the English each was rendered by."""
    with paused_gc():
        return _extract(corpus, options or ExtractOptions(), progress)


def _extract(corpus: Corpus, options: ExtractOptions, progress: bool) -> Extraction:
    from . import dictionary

    prepared, found, alignment = _ready_to_match(corpus, options, progress)
    matcher = Matcher(prepared.units, dictionary.lookup, alignment, rerank=options.rerank)
    terms = []
    for candidate in found:
        if candidate.termhood < options.weak_termhood:
            continue
        if candidate.termhood < options.min_termhood:
            # A weak candidate earns a look only when its English is evidently compositional; a lone
            # segmenter token, only when it is long and rare in general language.
            if len(candidate.tokens) < 2 and candidate.signals["general_zipf"] >= (
                    _RARE_SHORT_WORD_ZIPF if len(candidate.simplified) < 3 else 4.5):
                continue
            occurrences = _spread([TermOccurrence(o.unit, o.start, o.end) for o in candidate.occurrences],
                                  MAX_OCCURRENCES_GATED)
            rendered = sum(matcher.renders_most_parts(candidate.tokens, o) for o in occurrences)
            if rendered * 2 < len(occurrences):
                continue
        terms.append(_Term(candidate.simplified, candidate.tokens,
                           tuple((o.unit, o.start, o.end) for o in candidate.occurrences), candidate.termhood))
    # Candidate statistics are done with: free them before matching (and forking).
    del found
    results = _match(prepared, matcher, terms, progress, options.jobs)
    kept = [
        result for result in results
        if result.termhood >= options.min_termhood
        or (result.score >= options.min_score_for_weak_terms and result.termhood >= options.weak_termhood)
    ]
    kept.sort(key=lambda result: (-result.score * (0.5 + result.termhood), -result.frequency, result.source))
    if options.max_terms:
        kept = kept[: options.max_terms]
    return Extraction(
        terms=tuple(kept),
        inputs=corpus.inputs,
        signature=options.signature(dictionary.edition()),
        pair_count=len(prepared.pairs),
    )


def _ready_to_match(corpus: Corpus, options: ExtractOptions, progress: bool
                    ) -> tuple[_Prepared, list[Candidate], WordAlignment]:
    """Everything extract does before matching: the units, the scored candidates (all of them), and the
    word alignment. benchmarks/ab_matching.py starts from here too."""
    from . import candidates as candidate_module
    from . import dictionary

    prepared = _prepare(corpus, progress)
    segmenter = get_segmenter(options.segmenter, options.user_words)
    units = list(zip(prepared.simplified, _segment_each(prepared.simplified, segmenter.tokens, progress)))
    glosses = dictionary.glosses_by_headword()
    found = candidate_module.score(candidate_module.collect(units), lambda word: word in glosses)
    alignment = WordAlignment(prepared.units, [[token.text for token in tokens] for _, tokens in units],
                              dictionary.lookup)
    return prepared, found, alignment


def align_terms(corpus: Corpus, source_terms: Iterable[str], options: ExtractOptions | None = None,
                progress: bool = False) -> Extraction:
    """Find the English used for each given source term (in either script) in a bilingual corpus."""
    with paused_gc():
        return _align_terms(corpus, source_terms, options or ExtractOptions(), progress)


def _align_terms(corpus: Corpus, source_terms: Iterable[str], options: ExtractOptions, progress: bool
                 ) -> Extraction:
    from . import dictionary

    wanted = list(dict.fromkeys(term.strip() for term in source_terms if term.strip()))
    prepared = _prepare(corpus, progress)
    # Occurrences are found by string search, so the segmenter only splits each term into the words
    # whose glosses are looked up.
    segmenter = get_segmenter(options.segmenter)
    chinese_words = _segment_each(prepared.simplified, segmenter.words, progress)  # for the word alignment
    matcher = Matcher(prepared.units, dictionary.lookup,
                      WordAlignment(prepared.units, chinese_words, dictionary.lookup), rerank=options.rerank)
    del chinese_words
    exact = _OccurrenceSearch(matcher, prepared.simplified, search_form)
    relaxed = _OccurrenceSearch(matcher, prepared.simplified, relaxed_search_form)
    terms = []
    for term in wanted:
        simplified = to_simplified(term)
        needle = search_form(simplified)[0]
        # A glossary written elsewhere may punctuate a term otherwise (大众创业万众创新 for the
        # text's 大众创业、万众创新): only a term found nowhere as written is searched without such marks.
        occurrences = exact.find(needle) or relaxed.find(relaxed_search_form(simplified)[0])
        terms.append(_Term(simplified, tuple(segmenter.words(needle)) or (needle,), tuple(occurrences), 1.0,
                           given=term))
    results = _match(prepared, matcher, terms, progress, options.jobs)
    return Extraction(
        terms=tuple(results),
        inputs=corpus.inputs,
        signature={**options.signature(dictionary.edition()), "mode": "given terms"},
        pair_count=len(prepared.pairs),
    )


class _OccurrenceSearch:
    """Where a term occurs in the units' Chinese, searched in one form of both (`search_form` or
    `relaxed_search_form`): (unit, start, end) in the unit's own characters."""

    def __init__(self, matcher: Matcher, texts: Sequence[str], form: Callable[[str], tuple[str, list[int]]]):
        self._matcher = matcher
        self._texts = texts
        self._form = form
        self._forms: dict[int, tuple[str, list[int]]] = {}

    def find(self, needle: str) -> list[tuple[int, int, int]]:
        if not needle:
            return []
        found = []
        characters = "".join(filter(is_cjk_char, needle))
        # Without Chinese characters to look up, every unit is searched: the text may write the
        # term's letters and digits full-width.
        units = self._matcher.units_with_text(characters) if characters else range(len(self._texts))
        for unit in sorted(units):
            if unit not in self._forms:
                self._forms[unit] = self._form(self._texts[unit])
            haystack, offsets = self._forms[unit]
            found.extend((unit, offsets[match.start()], offsets[match.end() - 1] + 1)
                         for match in re.finditer(re.escape(needle), haystack))
        return found


@dataclass(frozen=True)
class _Term:
    simplified: str
    components: tuple[str, ...]
    occurrences: tuple[tuple[int, int, int], ...]  # (unit, start, end)
    termhood: float
    given: str = ""


def _match(prepared: _Prepared, matcher: Matcher, terms: Sequence[_Term], progress: bool,
           jobs: int = 0) -> list[TermResult]:
    occurrences = [_spread([TermOccurrence(*o) for o in term.occurrences], MAX_OCCURRENCES_SCORED)
                   for term in terms]
    all_units = [frozenset(o[0] for o in term.occurrences) for term in terms]
    state = _FirstPass(matcher, terms, occurrences, all_units)
    everything = _by_first_sentence(occurrences, list(range(len(terms))))  # the second choice keeps this order
    workers = _worker_count(jobs, sum(map(len, occurrences)))
    processes = _Processes(state, workers, _workers_stay(workers)) if workers > 1 else None
    try:
        scored = None
        if processes is not None:
            scored = processes.first_pass(everything, progress)
            if scored is None or not processes.open:
                processes = None  # no workers to be had, or gone after the first pass to spare memory
        if scored is None:
            scored = state.run(everything, progress)
        spans = {i: scored[i][0] for i in range(len(terms))}
        first_choice = {i: scored[i][1] for i in range(len(terms))}
        order = sorted(
            spans,
            key=lambda i: -(first_choice[i].best.score if first_choice[i].best else 0.0),
        )
        linked = link_competitively(
            spans, occurrences, order,
            lambda i: first_choice[i].best.key if first_choice[i].best else None,
        )
        # Terms that lost English words to stronger ones are chosen again, from their linked spans.
        changed = [i for i in everything if linked[i] is not spans[i]]
        rechoice = _Rechoice(matcher, occurrences, linked, all_units)
        rechosen = None
        # The workers are running already: splitting needs only enough terms to be worth sending.
        if processes is not None and len(changed) >= 2 * MIN_TERMS_PER_RECHOICE_JOB:
            rechosen = processes.choose_again(rechoice, changed)
        if rechosen is None:
            rechosen = rechoice.run(changed)
    except BaseException:  # an error, or Ctrl-C: the workers' shares are not wanted any more
        if processes is not None:
            processes.close(at_once=True)
        raise
    if processes is not None:
        processes.close()
    return [_result(prepared, term, occurrences[i], rechosen[i][1] if i in rechosen else first_choice[i])
            for i, term in enumerate(terms)]


@dataclass(frozen=True)
class _FirstPass:
    """Span scoring and a first choice per term: the costly part, independent from term to term."""

    matcher: Matcher
    terms: Sequence[_Term]
    occurrences: Sequence[list[TermOccurrence]]
    all_units: Sequence[frozenset[int]]

    def run(self, indices: Iterable[int], progress: bool = False, step: int = 1) -> dict[int, tuple]:
        indices = list(indices)
        bar = _progress_bar(len(indices) * step, progress, "Matching")
        scored = {}
        for i in indices:
            term = self.terms[i]
            spans = [self.matcher.occurrence_spans(term.components, term.simplified, o)
                     for o in self.occurrences[i]]
            scored[i] = (spans, self.matcher.choose(self.occurrences[i], spans, self.all_units[i]))
            if bar is not None:
                bar.update(step)
        if bar is not None:
            bar.close()
        return scored


@dataclass(frozen=True)
class _Rechoice:
    """The second choice of terms whose spans competitive linking changed."""

    matcher: Matcher
    occurrences: Sequence[list[TermOccurrence]]
    linked: dict[int, list[list[SpanScore]]]
    all_units: Sequence[frozenset[int]]

    def run(self, indices: Iterable[int], progress: bool = False, step: int = 1) -> dict[int, tuple]:
        return {i: ([], self.matcher.choose(self.occurrences[i], self.linked[i], self.all_units[i]))
                for i in indices}


_FORKED_STATE: _FirstPass | None = None  # what forked workers inherit instead of unpickling


def _run_forked_share(indices: list[int]) -> bytes:
    assert _FORKED_STATE is not None
    return _packed_results(_FORKED_STATE.run(indices))


def _choose_again_forked(indices: list[int], linked: dict) -> bytes:
    assert _FORKED_STATE is not None
    spans = {i: _unpacked_spans(linked[i], _FORKED_STATE.matcher.shared_key) for i in indices}
    rechoice = _Rechoice(_FORKED_STATE.matcher, _FORKED_STATE.occurrences, spans, _FORKED_STATE.all_units)
    return _packed_results(rechoice.run(indices))


# Spans and matches cross between processes as marshalled tuples: several times faster to pack and
# unpack than pickled dataclasses.
def _packed_spans(spans_per_occurrence: list[list[SpanScore]]) -> list[list[tuple]]:
    return [[astuple_span(span) for span in spans] for spans in spans_per_occurrence]


def _unpacked_spans(packed: list[list[tuple]], shared_key: Callable[[tuple], tuple]) -> list[list[SpanScore]]:
    return [[SpanScore(shared_key(span[0]), *span[1:]) for span in spans] for spans in packed]


def _packed_results(scored: dict[int, tuple]) -> bytes:
    import marshal

    return marshal.dumps({i: (_packed_spans(spans), astuple_match(match)) for i, (spans, match) in scored.items()})


def _from_forked_share(packed: bytes, shared_key: Callable[[tuple], tuple]) -> dict[int, tuple]:
    import marshal

    return {i: (_unpacked_spans(spans, shared_key), TermMatch.of(match))
            for i, (spans, match) in marshal.loads(packed).items()}


def _worker_count(jobs: int, work: int) -> int:
    """How many processes to split `work`, occurrences to score, over."""
    import os
    import sys

    if not sys.platform.startswith("linux"):
        return 1  # workers inherit the matcher by fork, which only Linux offers safely
    most = work // MIN_OCCURRENCES_PER_JOB
    if most <= 1:
        return 1  # too little work to split: spare the load readings below (up to 10 ms of waiting)
    if jobs <= 0:
        import threading

        if threading.active_count() > 1:
            return 1  # forking a process that runs other threads can deadlock the child: ask explicitly
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        # Cores other programs keep busy are not ours: a worker there shares a core with them, and
        # forking costs more CPU than it saves (GR2016 with one of two cores busy: 5.1 s in two
        # processes, 4.4 s in one).
        jobs = min(cores, MAX_JOBS, _idle_cores())
        # Each worker ends up with a private copy of much of what it touches; measured on the nine
        # GR reports, two processes peak at about 2.4 times this process's size before matching
        # (1,089-1,103 MB from 470 MB, twenty-sixth session; 1.5-2.4 times on one to seven reports).
        fitting = _processes_that_stay_in_budget()
        if fitting is not None:
            jobs = min(jobs, fitting)
    return max(1, min(jobs, most))


def _processes_that_stay_in_budget() -> int | None:
    """How many matching processes, workers staying for the second choice, fit in the memory budget
    (at least one); None when this process's size is unknown."""
    resident = _resident_mb()
    return max(1, int(MEMORY_BUDGET_MB / (_PEAK_PER_PROCESS * resident))) if resident else None


def _workers_stay(workers: int) -> bool:
    """Do `workers` processes stay within the memory budget when the workers stay for the second choice?

    When they do not (more processes asked for with `jobs` than the budget allows), the workers end
    once their first-pass results are sent, before this process unpacks them, and the second choice is
    made here. Nine GR reports in two processes (470 MB before matching, twenty-sixth session): staying,
    1,089-1,103 MB at the peak and 26-30 s; leaving, 937-979 MB and 30-34 s; one process, 742 MB and
    37.6 s.
    """
    fitting = _processes_that_stay_in_budget()
    return fitting is None or workers <= fitting


def _idle_cores() -> int:
    """Cores that no other task is running on, this process's own included (Linux); MAX_JOBS when unknown.

    Read from the count of running tasks in /proc/loadavg (this process among them), at its lowest
    over a few readings, as a task may be running for an instant.
    """
    import os
    import time

    machine = os.cpu_count() or 1
    fewest = None
    for reading in range(_LOAD_READINGS):
        running = _running_tasks()
        if running is None:
            return MAX_JOBS
        fewest = running if fewest is None else min(fewest, running)
        if fewest == 1 or reading == _LOAD_READINGS - 1:
            break  # nothing else runs, or the last reading
        time.sleep(0.005)
    assert fewest is not None
    return max(1, machine - fewest + 1)


_LOAD_READINGS = 3


def _running_tasks() -> int | None:
    """Tasks running or ready to run on the machine, this one included (/proc/loadavg); None when unknown."""
    try:
        with open("/proc/loadavg", encoding="ascii") as load:
            return max(1, int(load.read().split()[3].split("/")[0]))
    except (OSError, ValueError, IndexError):
        return None


def _resident_mb() -> float:
    """This process's resident memory (Linux), 0 when unknown."""
    import os

    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


class _Processes:
    """Forked worker processes that score shares of the terms, then choose again among the same terms.

    Each worker keeps what it looked at in the first pass (tagged sentences, gloss hits, claims), so
    a term chosen again goes back to the process that scored it (on GR2016 that took the second
    choice from about 0.45 s to 0.3 s). Workers inherit the matcher by fork instead of unpickling it,
    and are all forked at once, before this process runs any other thread. Where staying would pass the
    memory budget (`stay` false, see _workers_stay), they end after the first pass instead, and the
    second choice is made here.
    """

    def __init__(self, state: _FirstPass, workers: int, stay: bool = True):
        self._state = state
        self._workers = workers
        self._stay = stay  # for the second choice; otherwise they end once their first pass is sent
        self._connections: list = []
        self._processes: list = []
        self._share_of: dict[int, int] = {}  # term -> the process that scored it (0: this one)

    def first_pass(self, indices: list[int], progress: bool) -> dict[int, tuple] | None:
        """`state.run(indices)` split over the processes; None when processes cannot be started."""
        import multiprocessing

        global _FORKED_STATE
        shares = _shares_by_sentence(self._state.occurrences, indices, self._workers)
        self._share_of = {i: k for k, share in enumerate(shares) for i in share}
        _FORKED_STATE = self._state
        try:
            context = multiprocessing.get_context("fork")
            for _ in shares[1:]:
                ours, theirs = context.Pipe()
                # The worker closes its copies of this process's ends, so that closing them here ends it.
                process = context.Process(target=_serve, args=(theirs, [*self._connections, ours]), daemon=True)
                process.start()
                theirs.close()
                self._connections.append(ours)
                self._processes.append(process)
        except OSError:
            self.close()
            return None  # no processes to be had (process or memory limits): score everything here
        finally:
            _FORKED_STATE = None
        return self._spread_over(shares, "first pass", lambda share: self._state.run(share, progress,
                                                                                      step=self._workers),
                                 last=not self._stay)

    @property
    def open(self) -> bool:
        return bool(self._connections)

    def choose_again(self, rechoice: _Rechoice, indices: list[int]) -> dict[int, tuple] | None:
        """`rechoice.run(indices)`, each term in the process that scored it; None when a worker is gone."""
        shares: list[list[int]] = [[] for _ in range(len(self._connections) + 1)]
        for i in indices:
            shares[self._share_of.get(i, 0)].append(i)
        return self._spread_over(shares, "second choice", rechoice.run, rechoice.linked)

    def _spread_over(self, shares: list[list[int]], kind: str, run_here, linked: dict | None = None,
                     last: bool = False) -> dict[int, tuple] | None:
        """Each share but the first to a worker, the first run here; `linked`: the spans the second
        choice starts from; `last`: the workers end before their results are unpacked here."""
        import marshal

        try:
            for connection, share in zip(self._connections, shares[1:]):
                spans = {i: _packed_spans(linked[i]) for i in share} if linked is not None else {}
                connection.send_bytes(marshal.dumps((kind, share, spans)))
            results = run_here(shares[0])  # this process takes a share too
            replies = [(connection.recv_bytes(), connection.recv_bytes()) for connection in self._connections]
        except (OSError, EOFError):
            self.close()
            return None  # a worker was killed (out of memory...): the caller does the work here
        if last:
            self.close()  # their memory is freed before their spans take more here
        while replies:
            outcome, packed = replies.pop()  # each share's bytes are freed once unpacked
            if outcome == b"error":
                raise RuntimeError(f"a worker process failed:\n{packed.decode('utf-8')}")
            results.update(_from_forked_share(packed, self._state.matcher.shared_key))
        return results

    def close(self, at_once: bool = False) -> None:
        """End the workers: when they are done (their next read ends), or `at_once`."""
        for connection in self._connections:
            connection.close()
        for process in self._processes:
            if at_once:
                process.kill()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
        self._connections, self._processes = [], []


def _serve(connection, parent_ends: list) -> None:
    """A worker's loop: a share of the first pass or of the second choice per request, until closed."""
    import marshal
    import signal
    import traceback

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it ends the workers
    for end in parent_ends:
        end.close()
    while True:
        try:
            kind, indices, linked = marshal.loads(connection.recv_bytes())
        except EOFError:
            return
        try:
            packed = _run_forked_share(indices) if kind == "first pass" else _choose_again_forked(indices, linked)
            outcome = b"done"
        except Exception:  # reported to the parent, which raises it
            packed, outcome = traceback.format_exc().encode("utf-8"), b"error"
        try:
            # Two messages, not one holding both: the results are sent without another copy of them.
            connection.send_bytes(outcome)
            connection.send_bytes(packed)
        except OSError:
            return  # the parent has stopped listening
        del packed  # not kept while waiting for the next request


def _shares_by_sentence(occurrences: Sequence[list[TermOccurrence]], indices: list[int], workers: int
                        ) -> list[list[int]]:
    """`indices` split into `workers` shares of about equal cost, each share holding the terms first seen
    in one stretch of the corpus.

    Much of a term's cost is the first look at each of its sentences (tagging, gloss hits, claims),
    which a process then keeps: terms of the same sentences in one process share it. On GR2016 this
    took the first pass in two processes from 1.9-2.1 s to 1.5 s, against interleaved shares. A
    term costs about one unit plus one per occurrence scored.
    """
    by_sentence = _by_first_sentence(occurrences, indices)
    costs = [len(occurrences[i]) + 1 for i in by_sentence]
    total = sum(costs)
    shares: list[list[int]] = []
    share: list[int] = []
    spent = 0
    for index, cost in zip(by_sentence, costs):
        share.append(index)
        spent += cost
        if len(shares) < workers - 1 and spent * workers >= total * (len(shares) + 1):
            shares.append(share)
            share = []
    shares.append(share)
    return shares


def _by_first_sentence(occurrences: Sequence[list[TermOccurrence]], indices: list[int]) -> list[int]:
    """`indices` in the order of their terms' first sentences: terms of the same sentences are scored
    one after another, while what the matcher keeps of those sentences is still at hand."""
    return sorted(indices, key=lambda i: occurrences[i][0].unit if occurrences[i] else -1)


def _spread(items: list, limit: int) -> list:
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def _result(prepared: _Prepared, term: _Term, occurrences, match) -> TermResult:
    written = Counter(
        prepared.pairs[o.unit].source[o.start:o.end] for o in occurrences
    )
    if term.given:
        written[term.given] += 0
    source = written.most_common(1)[0][0] if written else term.given or term.simplified
    variants = tuple(sorted(set(written) | ({term.given} if term.given else set())))
    contexts = []
    for index, occurrence in enumerate(occurrences[:MAX_CONTEXTS]):
        pair = prepared.pairs[occurrence.unit]
        target_span = match.spans.get(index)
        contexts.append(
            Context(
                source_sentence=pair.source,
                target_sentence=pair.target,
                source_span=Span(occurrence.start, occurrence.end),
                target_span=Span(*target_span) if target_span else None,
                location=pair.source_location,
                target_found=pair.target[target_span[0]:target_span[1]] if target_span else "",
            )
        )
    first = prepared.pairs[occurrences[0].unit].source_location if occurrences else Location("")
    best = match.best
    return TermResult(
        source=source,
        source_simplified=term.simplified,
        target=best.target if best else "",
        score=best.score if best else 0.0,
        alternatives=tuple(Alternative(a.target, a.score) for a in match.alternatives[:3]),
        frequency=len(term.occurrences),
        location=first,
        variants=variants,
        termhood=term.termhood,
        contexts=tuple(contexts),
    )


__all__ = [
    "ExtractOptions",
    "Segmenter",
    "align_terms",
    "extract",
    "glossary_words",
    "load_glossaries",
    "read",
    "read_term_list",
]
