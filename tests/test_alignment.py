"""The corpus's own word alignment (IBM Model 1 seeded by the dictionary) and its use in matching."""

from __future__ import annotations

from matching_support import (
    URBAN_EMPLOYMENT,
    FixedAlignment,
    choose_urban_employment,
    make_units,
    word_index,
)
from termsieve import dictionary
from termsieve.alignment import WordAlignment
from termsieve.english import tokenize
from termsieve.matching import Matcher, TermOccurrence

_NOUNS = [("就业", "employment"), ("人口", "population"), ("住房", "housing"), ("收入", "income"),
          ("道路", "roads"), ("学校", "schools"), ("医院", "hospitals"), ("企业", "enterprises")]
_VERBS = [("增加", "increased"), ("减少", "decreased"), ("提高", "improved"), ("下降", "fell")]


def _posteriors(alignment, units, index, chinese):
    start = units[index].simplified.index(chinese)
    aligned = alignment.aligned(index, start, start + len(chinese))
    return {units[index].words[j].text.lower(): value for j, value in aligned.items()}


def _corpus():
    """城镇 is "cities and towns" to the dictionary; these translators write "urban"."""
    pairs = [(["城镇", noun, verb], f"Urban {noun_en} {verb_en}.")
             for (noun, noun_en), (verb, verb_en) in zip(_NOUNS, _VERBS * 2)]
    pairs += [([noun, verb], f"{noun_en.capitalize()} {verb_en}.")
              for (noun, noun_en), (verb, verb_en) in zip(_NOUNS, _VERBS[::-1] * 2)]
    units = make_units(pairs)
    return units, WordAlignment(units, [words for words, _ in pairs], dictionary.lookup)


def test_alignment_learns_a_rendering_the_dictionary_lacks():
    units, alignment = _corpus()
    for index, (_, noun_en) in enumerate(_NOUNS):
        posteriors = _posteriors(alignment, units, index, "城镇")
        assert posteriors["urban"] >= 0.7
        assert posteriors.get(noun_en, 0.0) < 0.1  # the noun is its own Chinese word's


def test_dictionary_words_keep_their_renderings_against_a_frequent_neighbour():
    # 城镇 comes with every noun, but each noun's gloss ties it to its own English word.
    units, alignment = _corpus()
    for index, (noun, noun_en) in enumerate(_NOUNS):
        assert _posteriors(alignment, units, index, noun)[noun_en] >= 0.8


def test_alignment_of_units_without_words_is_empty():
    pairs = [(["城镇", "就业"], "..."), (["", ""], "Urban employment.")]
    units = make_units(pairs)
    alignment = WordAlignment(units, [words for words, _ in pairs], dictionary.lookup)
    assert alignment.aligned(0, 0, 2) == {}
    assert alignment.aligned(1, 0, 2) == {}
    assert WordAlignment([], [], dictionary.lookup) is not None


def test_chinese_words_are_the_character_spans_of_a_units_words_without_punctuation():
    pairs = [(["减排", "，", "目标"], "Cut emissions, meet targets.")] * 2
    units = make_units(pairs)
    alignment = WordAlignment(units, [words for words, _ in pairs], dictionary.lookup)
    assert alignment.chinese_words(0) == ((0, 2), (3, 5))
    assert alignment.chinese_words(1) == alignment.chinese_words(0)  # identical units are one


def _best_rendering(alignment):
    # The span scorer's own rules, without the re-ranker.
    return choose_urban_employment(alignment, rerank=False).best.target


def test_aligned_words_render_a_part_no_gloss_finds():
    aligned = {word_index(URBAN_EMPLOYMENT, "urban"): 0.95, word_index(URBAN_EMPLOYMENT, "areas"): 0.9}
    assert _best_rendering(None) == "employment"
    assert _best_rendering(FixedAlignment(aligned)) == "employment in urban areas"


def test_weak_alignment_is_not_a_rendering():
    aligned = {word_index(URBAN_EMPLOYMENT, "urban"): 0.6, word_index(URBAN_EMPLOYMENT, "areas"): 0.5}
    assert _best_rendering(FixedAlignment(aligned)) == "employment"


def test_aligned_words_inside_a_rendering_whose_parts_the_glosses_all_found_count_as_explained():
    sentence = "Basic medical care insurance will cover everyone."
    words = [word.text for word in tokenize(sentence)]
    units = make_units([(["医疗保险", "覆盖", "全民"], sentence)])
    occurrence = TermOccurrence(0, 0, 4)

    def best(alignment):
        matcher = Matcher(units, dictionary.lookup, alignment, rerank=False)  # the span scorer's rules
        spans = [matcher.occurrence_spans(("医疗保险",), "医疗保险", occurrence)]
        return matcher.choose([occurrence], spans).best

    without = best(None)
    assert without.target == "medical care insurance"
    aligned = best(FixedAlignment({words.index("care"): 0.9}))
    assert aligned.target == "medical care insurance"
    assert aligned.score >= without.score + 0.1
    # A word past a clause word is not drawn in, however sure the alignment.
    assert best(FixedAlignment({words.index("cover"): 0.9})).target == "medical care insurance"


def test_a_corpus_over_the_training_budget_trains_on_an_even_sample(monkeypatch):
    import termsieve.alignment as alignment_module

    pairs = [(["城镇", noun, verb], f"Urban {noun_en} {verb_en}.")
             for (noun, noun_en), (verb, verb_en) in zip(_NOUNS, _VERBS * 2)] * 3
    pairs = [([*words, str(index)], f"{english} {index}") for index, (words, english) in enumerate(pairs)]
    units = make_units(pairs)
    full = WordAlignment(units, [words for words, _ in pairs], dictionary.lookup)
    monkeypatch.setattr(alignment_module, "_MAX_TRAINING_ENTRIES", 200)
    sampled = WordAlignment(units, [words for words, _ in pairs], dictionary.lookup)
    assert len(sampled._pairs) < len(full._pairs)
    # Every unit is still answered for, trained on or not, from what the sample learned.
    for index in range(len(units)):
        assert _posteriors(sampled, units, index, "城镇")["urban"] >= 0.5


def test_repeated_sentence_pairs_align_like_their_first_copy():
    pairs = [(["城镇", noun, verb], f"Urban {noun_en} {verb_en}.")
             for (noun, noun_en), (verb, verb_en) in zip(_NOUNS, _VERBS * 2)]
    units = make_units(pairs + pairs[:2])
    alignment = WordAlignment(units, [words for words, _ in pairs + pairs[:2]], dictionary.lookup)
    assert alignment.aligned(len(pairs), 0, 2) == alignment.aligned(0, 0, 2)


def test_a_paragraph_sized_unit_is_left_out():
    nouns = [noun for noun, _ in _NOUNS] * 30
    english = " ".join(noun_en for _, noun_en in _NOUNS * 30)
    pairs = [(["城镇", "就业"], "Urban employment."), (["城镇", *nouns], f"Urban {english}.")]
    units = make_units(pairs)
    alignment = WordAlignment(units, [words for words, _ in pairs], dictionary.lookup)
    assert alignment.aligned(0, 0, 2)
    assert alignment.aligned(1, 0, 2) == {}


class _PerUnitAlignment:
    """A trained alignment's answer per sentence: the given English word gets the given probability."""

    def __init__(self, units, word, probability):
        self.answers = {
            index: {j: probability for j, token in enumerate(unit.words) if token.text == word}
            for index, unit in enumerate(units)
        }

    def aligned(self, unit_index, start, end):
        return self.answers[unit_index]

    def chinese_words(self, unit_index):
        return ()


def _migrant_workers(modifier, probability):
    sentences = [
        ("保障农民工工资按时足额发放", f"We will ensure that {modifier} migrant workers are paid in full and on time."),
        ("农民工随迁子女在城市接受义务教育", f"Children of {modifier} migrant workers attend school in cities."),
        ("农民工总量增加", f"The number of {modifier} migrant workers increased."),
    ]
    units = make_units([([zh], en) for zh, en in sentences])
    matcher = Matcher(units, dictionary.lookup, _PerUnitAlignment(units, modifier, probability))
    occurrences = [TermOccurrence(index, unit.simplified.index("农民工"), unit.simplified.index("农民工") + 3)
                   for index, unit in enumerate(units)]
    spans = [matcher.occurrence_spans(("农民工",), "农民工", occurrence) for occurrence in occurrences]
    return matcher.choose(occurrences, spans).best.target


def test_a_modifier_the_translators_put_before_the_rendering_joins_it():
    # No gloss of 农民工 gives "rural"; it precedes the rendering every time, and the alignment
    # gives it to the term.
    assert _migrant_workers("rural", 0.5) == "rural migrant workers"
    # Not when the alignment gives it to another word, nor when it does not look like a modifier.
    assert _migrant_workers("rural", 0.1) == "migrant workers"
    assert _migrant_workers("protect", 0.5) == "migrant workers"


def _guess(posteriors_by_word, sentence="Work on projects that stopped midway resumed."):
    """半拉子 (no gloss of it is in the sentence), chosen with a fixed alignment."""
    units = make_units([(["半拉子", "工程"], sentence)])
    aligned = {word_index(sentence, word): value for word, value in posteriors_by_word.items()}
    matcher = Matcher(units, dictionary.lookup, FixedAlignment(aligned) if aligned else None)
    occurrence = TermOccurrence(0, 0, 3)
    return matcher.choose([occurrence], [matcher.occurrence_spans(("半拉子",), "半拉子", occurrence)])


def test_a_term_nothing_else_renders_gets_the_alignments_guess_with_a_low_score():
    assert _guess({}).best is None  # no alignment: no guess
    match = _guess({"stopped": 0.4, "midway": 0.3, "projects": 0.1})
    assert match.best.target == "stopped midway"
    assert match.best.score <= 0.3
    start = "Work on projects that stopped midway resumed.".index("stopped")
    assert match.spans == {0: (start, start + len("stopped midway"))}  # for the workbook's highlight


def test_a_word_beside_the_guess_joins_it_only_when_aligned_at_least_half_as_much():
    assert _guess({"stopped": 0.4, "midway": 0.1}).best.target == "stopped"
    assert _guess({"stopped": 0.2, "midway": 0.4}).best.target == "stopped midway"
