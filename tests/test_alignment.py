"""The corpus's own word alignment (IBM Model 1 seeded by the dictionary, then an HMM) and its use in matching."""

from __future__ import annotations

import itertools

import numpy as np

import termsieve.alignment as alignment_module
from matching_support import (
    URBAN_EMPLOYMENT,
    FixedAlignment,
    choose_urban_employment,
    make_units,
    word_index,
)
from termsieve import dictionary, rerank
from termsieve.alignment import WordAlignment
from termsieve.english import tokenize
from termsieve.matching import Matcher, TermOccurrence

_NOUNS = [("就业", "employment"), ("人口", "population"), ("住房", "housing"), ("收入", "income"),
          ("道路", "roads"), ("学校", "schools"), ("医院", "hospitals"), ("企业", "enterprises")]
_VERBS = [("增加", "increased"), ("减少", "decreased"), ("提高", "improved"), ("下降", "fell")]


def _aligned(pairs):
    """The units of (Chinese words, English) pairs, and the word alignment learned over them."""
    units = make_units(pairs)
    return units, WordAlignment(units, [words for words, _ in pairs], dictionary.lookup)


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
    return _aligned(pairs)


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


def test_posteriors_are_the_table_aligned_reads():
    units, alignment = _corpus()
    content, spans, rows = alignment.posteriors(0)
    assert [units[0].words[j].text for j in content] == ["Urban", "employment", "increased"]
    assert [units[0].simplified[start:end] for start, end in spans] == ["城镇", "就业", "增加"]
    for row in rows:
        assert len(row) == len(spans) + 1  # NULL first
        assert abs(sum(row) - 1.0) < 1e-6
    urban = rows[0]
    aligned = alignment.aligned(0, 0, 2)  # 城镇
    assert abs(urban[1] - aligned[content[0]]) < 1e-9
    assert max(range(len(urban)), key=urban.__getitem__) == 1


def test_posteriors_of_a_unit_left_out_are_none():
    _, alignment = _aligned([(["城镇", "就业"], "..."), (["就业"], "Employment.")])
    assert alignment.posteriors(0) is None


def test_alignment_of_units_without_words_is_empty():
    pairs = [(["城镇", "就业"], "..."), (["", ""], "Urban employment.")]
    _, alignment = _aligned(pairs)
    assert alignment.aligned(0, 0, 2) == {}
    assert alignment.aligned(1, 0, 2) == {}
    assert WordAlignment([], [], dictionary.lookup) is not None


def test_chinese_words_are_the_character_spans_of_a_units_words_without_punctuation():
    pairs = [(["减排", "，", "目标"], "Cut emissions, meet targets.")] * 2
    _, alignment = _aligned(pairs)
    assert alignment.chinese_words(0) == ((0, 2), (3, 5))
    assert alignment.chinese_words(1) == alignment.chinese_words(0)  # identical units are one


def _best_rendering(alignment):
    # The span scorer's own rules, without the re-ranker.
    return choose_urban_employment(alignment, rerank=False).best.target


def _shapes_corpus():
    """The corpus of `_corpus`, with units of one English word, one Chinese word, and both."""
    pairs = [(["城镇", noun, verb], f"Urban {noun_en} {verb_en}.")
             for (noun, noun_en), (verb, verb_en) in zip(_NOUNS, _VERBS * 2)]
    pairs += [([noun, verb], f"{noun_en.capitalize()} {verb_en}.")
              for (noun, noun_en), (verb, verb_en) in zip(_NOUNS, _VERBS[::-1] * 2)]
    pairs += [(["就业"], "Employment."), (["城镇", "就业"], "Employment."), (["就业"], "Urban employment increased."),
              (["人口", "减少", "城镇", "就业", "增加", "城镇"], "Population decreased, urban employment increased.")]
    return _aligned(pairs)


def test_posteriors_give_each_english_word_a_distribution_over_the_chinese_words_and_null():
    units, alignment = _shapes_corpus()
    for index in range(len(units)):
        posteriors = alignment._posteriors(index)
        assert posteriors.shape == (len(alignment._content[index]), len(alignment.chinese_words(index)) + 1)
        assert (posteriors >= 0).all()
        assert np.allclose(posteriors.sum(axis=1), 1.0)


def test_a_unit_of_one_english_or_one_chinese_word_aligns():
    units, alignment = _shapes_corpus()
    one_word = [index for index, unit in enumerate(units) if unit.target == "Employment."]
    assert _posteriors(alignment, units, one_word[0], "就业")["employment"] >= 0.9
    assert _posteriors(alignment, units, one_word[1], "就业")["employment"] >= 0.8
    alone = next(index for index, unit in enumerate(units) if unit.target == "Urban employment increased.")
    assert _posteriors(alignment, units, alone, "就业")["employment"] >= 0.9


def _model1(alignment, index):
    """Model 1's posteriors of a unit, straight from its translation table."""
    chinese, english = alignment._ids[index]
    place = np.searchsorted(alignment._pairs, np.array(chinese)[None, :] * len(alignment._english_ids)
                            + np.array(english)[:, None])
    values = alignment._translation[place]
    return values / values.sum(axis=1, keepdims=True)


def test_an_english_word_goes_to_the_copy_of_a_chinese_word_beside_its_neighbours():
    # 城镇 is in the sentence twice; "urban" comes between the renderings of 减少 and 就业, as the
    # first copy does. Model 1 has no idea of order: it splits "urban" between the copies.
    units, alignment = _shapes_corpus()
    index = len(units) - 1
    urban = word_index(units[index].target, "urban")
    spans = alignment.chinese_words(index)
    near, far = (position for position, span in enumerate(spans) if units[index].simplified[slice(*span)] == "城镇")
    row = alignment._content[index].index(urban)
    even_split = _model1(alignment, index)[row, near + 1]
    assert even_split == _model1(alignment, index)[row, far + 1]
    # The matcher reads the HMM mixed half and half with Model 1: the near copy gets most of "urban".
    near_share = alignment.aligned(index, *spans[near])[urban]
    far_share = alignment.aligned(index, *spans[far]).get(urban, 0.0)
    assert near_share >= even_split + 0.2
    assert near_share >= 2 * far_share


def _reverse(alignment, place):
    """The reverse direction's share of a unit: the reverse HMM's posterior that each Chinese word
    renders each English word, NULL choosing them all alike."""
    table = alignment._reverse[place]  # English words x (NULL + Chinese words)
    emission = np.column_stack([np.full(table.shape[1] - 1, alignment_module._REVERSE_NULL_EMISSION),
                                table[:, 1:].T])
    values = np.empty(table.shape)
    values[:, 1:] = _reference_hmm(emission, alignment_module._initial_jumps(), alignment_module._HMM_NULL)[:, 1:].T
    values[:, 0] = 1.0 / values.shape[0]
    return values


def test_the_reverse_direction_gives_a_frequent_words_rendering_back_from_a_rare_neighbour(monkeypatch):
    # 落实 is rendered "implement" mostly and "enforce" at times; 薪级 is seen once, beside it, in the
    # sentence with "enforced". Aligned one way only, the rare word keeps much of "enforced".
    objects = [("规划", "plan"), ("政策", "policy"), ("措施", "measures"), ("方案", "programme"),
               ("任务", "tasks"), ("责任", "responsibilities"), ("要求", "requirements"), ("部署", "arrangements")]
    pairs = [(["落实", chinese], f"Implement the {english}.") for chinese, english in objects]
    pairs += [(["落实", chinese], f"Enforced the {english}.") for chinese, english in objects[:3]]
    pairs += [(["落实", "薪级", "制度"], "Enforced the pay grade system.")]

    def enforced(weight):
        """The share of "enforced" that 落实 and the rare word get."""
        monkeypatch.setattr(alignment_module, "_REVERSE_WEIGHT", weight)
        units, alignment = _aligned(pairs)
        return tuple(_posteriors(alignment, units, len(pairs) - 1, chinese).get("enforced", 0.0)
                     for chinese in ("落实", "薪级"))

    shipped = alignment_module._REVERSE_WEIGHT
    (frequent_one_way, rare_one_way), (frequent, rare) = enforced(0.0), enforced(shipped)
    assert frequent > frequent_one_way + 0.2  # 0.38 -> 0.83
    assert rare < 0.5 * rare_one_way  # 0.32 -> under 0.05


def test_the_reverse_hmm_gives_a_chinese_word_the_copy_of_its_english_beside_its_neighbours():
    # "Reform and development, then opening up and development": 发展 renders either copy of
    # "development" as well, by the table; its neighbours 改革 and 开放 render the words around the first.
    english = ["reform", "development", "opening", "up", "development"]
    chinese = ["改革", "发展", "开放"]
    table = np.full((len(english), 1, len(chinese) + 1), 0.01)
    table[0, 0, 1] = table[2, 0, 3] = table[3, 0, 3] = 0.9
    table[1, 0, 2] = table[4, 0, 2] = 0.5
    reverse = alignment_module._reverse_posteriors(
        table, alignment_module._Layout(np.array([len(english)]), np.array([len(chinese)])))[:, 0]
    assert (reverse[:, 0] == 0).all()
    assert (reverse[:, 1:].sum(axis=0) <= 1 + 1e-12).all()  # the rest is the NULL state's
    near, far = reverse[1, 2], reverse[4, 2]
    assert near > 2 * far  # Model 1 the other way round would split them evenly


def _reference_hmm(emission, jumps, null):
    """Forward-backward spelled out: states are the Chinese words, then one NULL state after each."""
    rows, words = emission.shape[0], emission.shape[1] - 1
    farthest = (len(jumps) - 1) // 2

    def jump(source, target):
        return jumps[max(-farthest, min(farthest, target - source)) + farthest]

    transitions = np.zeros((2 * words, 2 * words))
    for source in range(words):
        total = sum(jump(source, target) for target in range(words))
        for target in range(words):
            transitions[source, target] = transitions[words + source, target] = (
                (1 - null) * jump(source, target) / total)
        transitions[source, words + source] = transitions[words + source, words + source] = null
    emitted = [np.concatenate([emission[j, 1:], np.full(words, emission[j, 0])]) for j in range(rows)]
    alpha = [np.concatenate([np.full(words, (1 - null) / words), np.full(words, null / words)]) * emitted[0]]
    for j in range(1, rows):
        alpha.append(alpha[-1] @ transitions * emitted[j])
    beta = [np.ones(2 * words)]
    for j in range(rows - 1, 0, -1):
        beta.insert(0, transitions @ (emitted[j] * beta[0]))
    gamma = np.array(alpha) * np.array(beta)
    gamma /= gamma.sum(axis=1, keepdims=True)
    return np.column_stack([gamma[:, words:].sum(axis=1), gamma[:, :words]])


def test_batched_posteriors_are_those_of_a_plain_forward_backward_per_unit():
    units, alignment = _shapes_corpus()
    english_count = len(alignment._english_ids)
    batch_sizes = []
    for index in range(len(units)):
        chinese, english = alignment._ids[index]
        keys = np.array(chinese)[None, :] * english_count + np.array(english)[:, None]
        place = np.searchsorted(alignment._pairs, keys)
        assert (alignment._pairs[place] == keys).all()  # every unit trained the model
        hmm = _reference_hmm(alignment._emission[place], alignment._jumps, alignment_module._HMM_NULL)
        forward = (alignment_module._HMM_SHARE * hmm
                   + (1 - alignment_module._HMM_SHARE) * _model1(alignment, index))
        expected = forward * _reverse(alignment, place) ** alignment_module._REVERSE_WEIGHT
        expected /= expected.sum(axis=1, keepdims=True)
        assert np.abs(alignment._posteriors(index) - expected).max() < 1e-12
        batch_sizes.append(len(alignment._hmm_batch[index]))
    assert max(batch_sizes) > 2  # units of different shapes were padded to one array


def test_training_in_batches_learns_what_training_unit_by_unit_learns(monkeypatch):
    units, batched = _shapes_corpus()
    monkeypatch.setattr(alignment_module, "_BATCH_CELLS", 1)  # a batch per unit: no padding
    monkeypatch.setattr(alignment_module, "_POSTERIOR_BATCH_UNITS", 1)
    _, alone = _shapes_corpus()
    assert max(map(len, alone._hmm_batch.values())) == 1 < max(map(len, batched._hmm_batch.values()))
    assert np.abs(batched._emission - alone._emission).max() < 1e-12
    assert np.abs(batched._jumps - alone._jumps).max() < 1e-12
    assert alone._jumps.argmax() == alignment_module._MAX_JUMP + 1  # a jump to the next word is likeliest
    for index in range(len(units)):
        assert np.abs(batched._posteriors(index) - alone._posteriors(index)).max() < 1e-12


def test_a_unit_too_long_for_the_hmm_keeps_model_1s_posteriors(monkeypatch):
    monkeypatch.setattr(alignment_module, "_MAX_HMM_WORDS", 5)
    units, alignment = _shapes_corpus()
    index = len(units) - 1  # six Chinese words
    assert index not in alignment._hmm_batch and 0 in alignment._hmm_batch
    assert np.allclose(alignment._posteriors(index), _model1(alignment, index))


def test_a_unit_with_too_many_english_words_for_the_reverse_hmm_keeps_model_1s_posteriors(monkeypatch):
    # The reverse HMM's states are the English words: its transitions grow with their square.
    monkeypatch.setattr(alignment_module, "_MAX_HMM_WORDS", 2)
    units, alignment = _shapes_corpus()
    index = next(index for index, unit in enumerate(units)
                 if unit.target == "Urban employment increased." and unit.simplified == "就业")
    assert len(alignment._spans[index]) == 1 and len(alignment._content[index]) == 3
    assert index not in alignment._hmm_batch and len(alignment._hmm_batch) > 0
    assert np.allclose(alignment._posteriors(index), _model1(alignment, index))


def test_aligned_words_render_a_part_no_gloss_finds():
    aligned = {word_index(URBAN_EMPLOYMENT, "urban"): 0.95, word_index(URBAN_EMPLOYMENT, "areas"): 0.9}
    assert _best_rendering(None) == "employment"
    assert _best_rendering(FixedAlignment(aligned)) == "employment in urban areas"


def test_a_moderately_sure_alignment_renders_a_part_no_gloss_finds():
    # Smoothing and the HMM spread posteriors: a link of 0.6 or more stands in for a missing gloss.
    aligned = {word_index(URBAN_EMPLOYMENT, "urban"): 0.65, word_index(URBAN_EMPLOYMENT, "areas"): 0.62}
    assert _best_rendering(FixedAlignment(aligned)) == "employment in urban areas"


def test_weak_alignment_is_not_a_rendering():
    aligned = {word_index(URBAN_EMPLOYMENT, "urban"): 0.5, word_index(URBAN_EMPLOYMENT, "areas"): 0.45}
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
    _, alignment = _aligned(pairs)
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


def _pressed_ahead_corpus():
    """推进 is "promoted" six times and "pressed ahead with" three; 变革 comes once, in one of those three."""
    pairs = [(["推进", noun], f"We promoted {noun_en}.") for noun, noun_en in _NOUNS[:6]]
    pairs += [(["推进", noun], f"We pressed ahead with {noun_en}.") for noun, noun_en in _NOUNS[6:]]
    pairs.append((["推进", "变革"], "We pressed ahead with revolution."))
    # Forty more sentences give the corpus 400 more English words: a report has about 2,000.
    made_up = ["".join(pair) + "o" for pair in itertools.product("bcdfghjklmnpqrstvwxz", repeat=2)]
    pairs += [([chr(0x4E00 + 2 * k) + chr(0x4E01 + 2 * k)], " ".join(made_up[10 * k:10 * k + 10]) + ".")
              for k in range(40)]
    return pairs


def test_smoothing_keeps_a_word_seen_once_from_taking_its_whole_sentence(monkeypatch):
    # 变革's glosses ("to transform", "to change") are not in its English: left to it, the alignment
    # would take the word apart before smoothing could show.
    monkeypatch.setattr(alignment_module, "_SPLIT_AT_MOST", 0)
    # The forward model's smoothing alone: the reverse direction also takes "pressed" back (see above).
    monkeypatch.setattr(alignment_module, "_REVERSE_WEIGHT", 0.0)

    def pressed(smoothing):
        monkeypatch.setattr(alignment_module, "_RARE_WORD_SMOOTHING", smoothing)
        pairs = _pressed_ahead_corpus()
        units, alignment = _aligned(pairs)
        return (_posteriors(alignment, units, 8, "变革").get("pressed", 0.0),
                _posteriors(alignment, units, 8, "推进").get("pressed", 0.0))

    # Unsmoothed, the word seen once takes "pressed" from the verb that renders it elsewhere.
    rare_unsmoothed, verb_unsmoothed = pressed(0.0)
    assert rare_unsmoothed >= 0.75 and verb_unsmoothed <= 0.25
    # 0.01 over these 420 words adds about what the shipped 0.002 adds over a report's 1,900 (GR2016).
    rare, verb = pressed(0.01)
    assert rare <= 0.7 and verb >= 0.35
    assert rare_unsmoothed - rare >= 0.1


def _glossed(*words):
    return lambda word: ("gloss",) if word in words else ()


def _gloss_in_english(index):
    """Every unit's English uses the glosses of `_glossed`."""
    return {"gloss"}


def test_a_rare_word_the_dictionary_lacks_is_split_into_the_fewest_dictionary_words():
    lookup = _glossed("一次", "一", "次", "能源", "消费")
    split = alignment_module.split_rare_unknown_words([["一次能源", "消费"], ["能源"]], _gloss_in_english, lookup)
    assert split == [["一次", "能源", "消费"], ["能源"]]


def test_known_frequent_and_unspellable_words_stay_whole(monkeypatch):
    monkeypatch.setattr(alignment_module, "_SPLIT_AT_MOST", 2)
    lookup = _glossed("城镇", "化", "城镇化", "能源", "一次")
    sentences = [["城镇化"], ["一次能源"], ["一次能源"], ["一次能源"], ["魑魅"]]
    english = [{"gloss"}, set(), set(), set(), set()]
    # 城镇化's gloss is in its sentence's English; 一次能源 is seen three times, more than two; no
    # dictionary word spells 魑魅.
    assert alignment_module.split_rare_unknown_words(sentences, english.__getitem__, lookup) == sentences


def test_a_rare_word_whose_glosses_its_sentences_never_use_is_split():
    glosses = {"基调": ("keynote",), "基": ("base",), "调": ("tone",), "总": ("general",)}
    sentences = [["总", "基调"]]

    def split(english):
        return alignment_module.split_rare_unknown_words(sentences, lambda index: english,
                                                         lambda word: glosses.get(word, ()))[0]

    assert split({"general", "work", "guidelin"}) == ["总", "基", "调"]
    assert split({"general", "keynot"}) == ["总", "基调"]


def test_of_splits_into_as_many_parts_the_one_with_the_commoner_parts_wins():
    lookup = _glossed("甲乙", "丙", "甲", "乙丙")
    sentences = [["甲乙丙"], ["乙丙"], ["乙丙"], ["甲乙"]]
    assert alignment_module.split_rare_unknown_words(sentences, _gloss_in_english, lookup)[0] == ["甲", "乙丙"]


def _primary_energy_corpus():
    """能源 renders "energy" in eight sentences; 一次能源, which the dictionary lacks, comes once."""
    pairs = [([noun, "能源"], f"{noun_en.capitalize()} energy.") for noun, noun_en in _NOUNS]
    pairs.append((["一次能源", "增加"], "Primary energy increased."))
    pairs += [([noun, "增加"], f"{noun_en.capitalize()} increased.") for noun, noun_en in _NOUNS[:4]]
    return pairs


def test_a_rare_compound_is_aligned_as_its_dictionary_words(monkeypatch):
    def energy_to_its_energy_part(split_at_most):
        monkeypatch.setattr(alignment_module, "_SPLIT_AT_MOST", split_at_most)
        pairs = _primary_energy_corpus()
        units, alignment = _aligned(pairs)
        # The characters 能源 inside 一次能源 (the term 能源 asked about within the compound).
        return alignment, _posteriors(alignment, units, 8, "能源").get("energy", 0.0)

    assert not dictionary.lookup("一次能源") and dictionary.lookup("一次") and dictionary.lookup("能源")
    whole, whole_share = energy_to_its_energy_part(0)
    assert whole.chinese_words(8) == ((0, 4), (4, 6))
    # Whole, the compound's characters share what it takes: half of it, at most, for 能源's.
    assert whole_share <= 0.5
    split, split_share = energy_to_its_energy_part(4)
    assert split.chinese_words(8) == ((0, 2), (2, 4), (4, 6))
    assert split_share >= 0.8


def test_numbers_and_latin_tokens_render_themselves():
    pairs = [([noun, "增加"], f"{noun_en.capitalize()} increased.") for noun, noun_en in _NOUNS]
    pairs.append((["魑魅", "增加", "11.4%"], "Demons increased 11.4%."))
    pairs.append((["魍魉", "增加", "5G"], "Goblins increased 5G."))
    units, alignment = _aligned(pairs)
    assert alignment.chinese_words(8) == ((0, 2), (2, 4), (4, 9))
    number = _posteriors(alignment, units, 8, "11.4%")
    assert number["11.4"] >= 0.7
    assert _posteriors(alignment, units, 9, "5G")["5g"] >= 0.7
    # The word seen once takes the English no other word renders, not the sentence's numbers.
    rare = _posteriors(alignment, units, 8, "魑魅")
    assert rare["demons"] >= 0.7 and rare.get("11.4", 0.0) < 0.2


_CONTENT_SENTENCE = "People are content with their lives and jobs, and society is stable."


class _CandidateRecorder(Matcher):
    """Remembers the candidates the re-ranker weighed, with their from_alignment feature."""

    def _order_candidates(self, occurrences, candidates, limit):
        flag = rerank.FEATURES.index("from_alignment")
        self.weighed = {candidate.text: candidate.features[flag] if candidate.features else None
                        for candidate in candidates}
        return super()._order_candidates(occurrences, candidates, limit)


def _weighed_for_content(posteriors_by_word, rerank_on=True):
    """安居乐业 ("content with their lives and jobs": no gloss gives "content"), with a fixed alignment."""
    units = make_units([(["人民", "安居乐业", "社会", "稳定"], _CONTENT_SENTENCE)])
    aligned = {word_index(_CONTENT_SENTENCE, word): value for word, value in posteriors_by_word.items()}
    matcher = _CandidateRecorder(units, dictionary.lookup, FixedAlignment(aligned), rerank=rerank_on)
    occurrence = TermOccurrence(0, 2, 6)
    match = matcher.choose([occurrence], [matcher.occurrence_spans(("安居乐业",), "安居乐业", occurrence)])
    return getattr(matcher, "weighed", None), match


def test_the_run_of_words_the_alignment_gives_a_term_is_offered_to_the_reranker():
    weighed, match = _weighed_for_content({"content": 0.5, "lives": 0.4, "jobs": 0.3, "society": 0.2})
    # From the favourite word over every aligned neighbour, past "with their" and "and", not past the comma.
    assert weighed["content with their lives and jobs"] == 1.0
    assert all(flag == 0.0 for text, flag in weighed.items() if text != "content with their lives and jobs")
    targets = [match.best.target] + [alternative.target for alternative in match.alternatives]
    assert "content with their lives and jobs" in targets


def test_an_aligned_run_stops_where_an_unaligned_word_breaks_it():
    weighed, _ = _weighed_for_content({"content": 0.5, "jobs": 0.3})
    assert {text for text, flag in weighed.items() if flag} == {"content"}


def test_the_hand_rules_alone_are_not_offered_aligned_runs():
    _, match = _weighed_for_content({"content": 0.5, "lives": 0.4, "jobs": 0.3}, rerank_on=False)
    targets = [match.best.target] + [alternative.target for alternative in match.alternatives]
    assert "content with their lives and jobs" not in targets
