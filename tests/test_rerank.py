import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from matching_support import URBAN_EMPLOYMENT, FixedAlignment, choose_urban_employment, make_units, word_index
from termsieve import dictionary
from termsieve.matching import Matcher, TermOccurrence
from termsieve.rerank import FEATURES, Reranker, default_reranker

_SIZE = len(FEATURES)


def _model(**weights: float) -> Reranker:
    return Reranker((0.0,) * _SIZE, (1.0,) * _SIZE, tuple(weights.get(name, 0.0) for name in FEATURES))


def test_probabilities_are_a_softmax_over_the_candidates():
    model = _model(key_words=1.0)
    rows = [[0.0] * _SIZE for _ in range(3)]
    for row, words in zip(rows, (1, 2, 3)):
        row[FEATURES.index("key_words")] = words
    probabilities = model.probabilities(rows)
    assert sum(probabilities) == pytest.approx(1.0)
    assert probabilities[0] < probabilities[1] < probabilities[2]
    assert probabilities[2] / probabilities[1] == pytest.approx(np.e)
    assert model.probabilities([]) == []


def test_weights_round_trip_through_json_and_refuse_other_features():
    model = Reranker(tuple(range(_SIZE)), (2.0,) * _SIZE, (0.5,) * _SIZE)
    assert Reranker.from_json(model.to_json({"terms": 3})) == model
    data = json.loads(model.to_json())
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="features"):
        Reranker.from_json(json.dumps(data))
    data = json.loads(model.to_json())
    data["scale"][0] = 0.0
    with pytest.raises(ValueError, match="scale"):
        Reranker.from_json(json.dumps(data))


def test_the_packaged_model_loads_with_one_weight_per_feature():
    model = default_reranker()
    assert len(model.weights) == _SIZE
    assert all(scale > 0 for scale in model.scale)


def _choose(reranker=None, rerank=True, alignment=None):
    return choose_urban_employment(alignment, reranker=reranker, rerank=rerank)


def test_the_model_orders_the_candidates_and_scores_mix_hand_score_and_probability():
    hand = _choose(rerank=False)
    assert hand.best.target == "employment"
    # A model that only likes long renderings puts the longest candidate first.
    longest = _choose(_model(words=5.0))
    assert longest.best.target != "employment"
    assert len(longest.best.target.split()) > len(hand.best.target.split())
    # A model that cannot tell candidates apart keeps the hand order; each score is the mean of
    # the hand score and the model's probability (1/n for n candidates).
    flat = _choose(_model())
    assert flat.best.target == hand.best.target
    count = 1 + len(flat.alternatives)
    assert count > 1
    assert flat.best.score == pytest.approx((hand.best.score + 1 / count) / 2, abs=1e-4)


def test_the_shipped_model_credits_words_the_alignment_gives_the_term_below_the_hand_threshold():
    # 城镇就业: the hand rules need an alignment of 0.8 to draw "urban areas" in; the model weighs
    # how much of the term's alignment mass the span holds, and a span cut before a content word.
    weak = FixedAlignment({word_index(URBAN_EMPLOYMENT, "urban"): 0.6, word_index(URBAN_EMPLOYMENT, "areas"): 0.5})
    assert _choose(rerank=False, alignment=weak).best.target == "employment"

    def scores(match):
        return {equivalent.target: equivalent.score for equivalent in (match.best, *match.alternatives)}

    unaligned, aligned = scores(_choose(alignment=FixedAlignment({}))), scores(_choose(alignment=weak))
    assert aligned["employment in urban areas"] > unaligned["employment in urban areas"] + 0.1
    assert aligned["employment in urban areas"] > aligned["employment in urban"]  # that one is cut short


def _trainer():
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "train_reranker.py"
    spec = importlib.util.spec_from_file_location("train_reranker", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_learns_a_feature_that_marks_the_right_candidate():
    trainer = _trainer()
    rng = np.random.default_rng(7)
    rows = []
    marker = FEATURES.index("cut_right")
    for _ in range(60):
        features = rng.random((4, _SIZE))
        right = int(rng.integers(4))
        features[:, marker] = 1.0
        features[right, marker] = 0.0  # the right candidate is the one not cut short
        labels = np.zeros(4)
        labels[right] = 1.0
        rows.append({"features": features, "labels": labels})
    model = trainer.fit(rows, l2=1.0, iterations=200)
    assert model.weights[marker] < -1.0
    assert all(trainer.pick(model, row) == int(row["labels"].argmax()) for row in rows)


def test_the_matcher_gives_one_value_per_feature():
    # Reranker.probabilities zips weights with a row: a row of the wrong length would be cut silently.
    seen = []

    class Recording(Matcher):
        def _order_candidates(self, occurrences, candidates, limit):
            seen.extend(candidate.features for candidate in candidates)
            return super()._order_candidates(occurrences, candidates, limit)

    choose_urban_employment(FixedAlignment({word_index(URBAN_EMPLOYMENT, "urban"): 0.6}), matcher_class=Recording)
    assert len(seen) > 1
    assert all(len(features) == _SIZE for features in seen)


def _features_by_candidate(words, sentence, term_words, alignment=None):
    """Each candidate's named features when the term (the first `term_words` of `words`) is chosen
    in a one-sentence corpus."""
    seen = {}

    class Recording(Matcher):
        def _order_candidates(self, occurrences, candidates, limit):
            seen.update((c.text, dict(zip(FEATURES, c.features))) for c in candidates)
            return super()._order_candidates(occurrences, candidates, limit)

    matcher = Recording(make_units([(words, sentence)]), dictionary.lookup, alignment)
    components = tuple(words[:term_words])
    term = "".join(components)
    occurrence = TermOccurrence(0, 0, len(term))
    matcher.choose([occurrence], [matcher.occurrence_spans(components, term, occurrence)])
    return seen


def test_head_and_opening_features_say_whether_a_span_renders_the_terms_last_and_first_words():
    # 城镇就业: 就业 (employment) is its last word, 城镇 (cities and towns) its first.
    seen = _features_by_candidate(["城镇", "就业"], "Employment in cities and towns rose, and rural incomes grew.", 2)
    assert (seen["employment in cities and towns"]["head_inside"],
            seen["employment in cities and towns"]["opening_inside"]) == (1.0, 1.0)
    assert (seen["employment"]["head_inside"], seen["employment"]["opening_inside"]) == (1.0, 0.0)
    assert (seen["cities and towns"]["head_inside"], seen["cities and towns"]["opening_inside"]) == (0.0, 1.0)


def test_claimed_elsewhere_is_the_share_of_a_spans_words_that_render_another_word_of_the_sentence():
    # 减排 in 减排目标: "targets" renders 目标, a word of the sentence outside the term.
    alignment = FixedAlignment({}, chinese_words=[(0, 2), (2, 4)])
    seen = _features_by_candidate(["减排", "目标"], "We met the emissions reduction targets early.", 1, alignment)
    assert seen["emissions reduction"]["claimed_elsewhere"] == 0.0
    assert seen["emissions reduction targets"]["claimed_elsewhere"] == pytest.approx(1 / 3)


def test_phrase_features_say_where_a_span_cuts_a_noun_phrase_or_runs_into_a_verb():
    seen = _features_by_candidate(["城镇", "就业"], "Urban employment increased sharply.", 2)
    whole, verb, head, modifier = (seen[text] for text in (
        "urban employment", "urban employment increased", "employment", "urban"))
    assert (whole["chunk_cut_left"], whole["chunk_cut_right"], whole["ends_on_noun"]) == (0.0, 0.0, 1.0)
    assert whole["verb_phrase_share"] == 0.0 and whole["chunks"] == 1.0
    assert verb["ends_on_noun"] == 0.0 and verb["verb_phrase_share"] == pytest.approx(1 / 3)
    assert verb["chunks"] == 2.0
    assert head["chunk_cut_left"] == 1.0  # "urban" is left out of its noun phrase
    assert modifier["chunk_cut_right"] == 1.0  # ... "employment" here
    seen = _features_by_candidate(["城镇", "就业"], "Employment in cities and towns rose, and rural incomes grew.", 2)
    assert seen["towns rose"]["ends_on_finite_verb"] == 1.0
    assert seen["towns rose"]["finite_verb_share"] == 0.5
    assert seen["employment in cities and towns"]["finite_verb_share"] == 0.0


@pytest.mark.parametrize("held_out", ["gr-heldout4.tsv", "gr-heldout5.tsv", "gr-heldout6.tsv", "gr-heldout8.tsv"])
@pytest.mark.parametrize("option", ["--devset", "--measure"])
def test_training_refuses_the_held_out_lists(held_out, option, monkeypatch):
    trainer = _trainer()
    devset = Path(trainer.REPO, "benchmarks", "dev", held_out)
    monkeypatch.setattr("sys.argv", ["train_reranker.py", option, str(devset)])
    with pytest.raises(SystemExit, match="held out"):
        trainer.main()


def test_training_names_an_unreadable_list_without_a_traceback(tmp_path, monkeypatch):
    trainer = _trainer()
    bad = tmp_path / "bad.tsv"
    bad.write_text("zh\ten\tkind\tfile\n沼气\tmethane\tweird\tGR2008.tmx\n", encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["train_reranker.py", "--measure", str(bad)])
    with pytest.raises(SystemExit, match=r"bad\.tsv:2: bad kind"):
        trainer.main()


def test_training_refuses_a_list_it_would_both_train_on_and_measure(monkeypatch):
    trainer = _trainer()
    devset = str(Path(trainer.REPO, "benchmarks", "dev", "gr-dev9.tsv"))
    monkeypatch.setattr("sys.argv", ["train_reranker.py", "--devset", devset, "--measure", devset])
    with pytest.raises(SystemExit, match="both trained on and measured"):
        trainer.main()


def test_position_gap_is_how_far_a_span_sits_from_the_terms_place_in_its_unit():
    # 城镇就业 fills the first half of 城镇就业增长很快 (its middle at a quarter of the unit), as
    # "urban employment" opens the English; "employment" sits further in.
    sentence = "Urban employment increased sharply."
    seen = _features_by_candidate(["城镇", "就业", "增长", "很快"], sentence, 2)

    def gap(text):
        start = sentence.lower().index(text)
        return abs(0.25 - (2 * start + len(text)) / (2 * len(sentence)))

    for text in ("urban employment", "employment"):
        assert seen[text]["position_gap"] == pytest.approx(gap(text))
    assert seen["urban employment"]["position_gap"] < seen["employment"]["position_gap"]
