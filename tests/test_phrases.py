import subprocess
import sys

from termsieve.english import tokenize
from termsieve.phrases import FINITE_VERB_TAGS, phrases


def _structure(text):
    words = tokenize(text)
    return words, phrases(text, words)


def _index(words, text):
    return next(i for i, word in enumerate(words) if word.text == text)


def test_a_verb_after_a_noun_phrase_is_tagged_as_a_verb_in_a_chunk_of_its_own():
    words, structure = _structure("The capital adequacy rate increased to 12 percent.")
    rate, increased = _index(words, "rate"), _index(words, "increased")
    assert structure.tags[rate].startswith("NN")
    assert structure.chunk_kinds[rate] == "NP"
    assert structure.chunk_kinds[increased] == "VP"
    assert structure.chunk_ids[increased] != structure.chunk_ids[rate]
    assert structure.tags[_index(words, "The")] == "DT"


def test_the_same_word_is_a_noun_or_a_verb_by_its_context():
    words, structure = _structure("Cyclical factors affect the economy.")
    assert structure.tags[_index(words, "affect")] in FINITE_VERB_TAGS
    words, structure = _structure("We will rein in speculative housing purchases.")
    assert structure.tags[_index(words, "purchases")].startswith("NN")
    assert structure.chunk_kinds[_index(words, "rein")] == "VP"


def test_a_span_that_stops_inside_a_noun_phrase_cuts_it_and_one_that_stops_before_the_verb_does_not():
    words, structure = _structure("The capital adequacy rate increased.")
    rate = _index(words, "rate")
    assert structure.cuts_chunk_after(rate)  # "capital adequacy" | rate
    assert not structure.cuts_chunk_after(rate + 1)  # "capital adequacy rate" | increased
    assert not structure.cuts_chunk_after(len(words))


def test_leaving_out_a_determiner_does_not_cut_a_noun_phrase_but_leaving_out_a_modifier_does():
    words, structure = _structure("We repaired the dangerous reservoirs.")
    assert not structure.cuts_chunk_before(_index(words, "dangerous"))  # only "the" is left out
    assert structure.cuts_chunk_before(_index(words, "reservoirs"))  # "dangerous" is left out
    assert not structure.cuts_chunk_before(_index(words, "We"))


def test_the_parts_of_a_hyphenated_compound_share_one_tag_and_chunk():
    words, structure = _structure("Non-financial outward direct investment grew.")
    first, second = _index(words, "Non"), _index(words, "financial")
    assert words[second].joined_to_previous
    assert structure.tags[first] == structure.tags[second]
    assert structure.chunk_ids[first] == structure.chunk_ids[second] == structure.chunk_ids[_index(words, "investment")]


def test_punctuation_is_outside_any_chunk_and_an_empty_text_has_no_words():
    words, structure = _structure("Growth slowed, and prices rose.")
    assert structure.chunk_ids[_index(words, ",")] == -1
    assert structure.chunk_kinds[_index(words, ",")] == ""
    assert len(structure.tags) == len(words)
    assert phrases("", []).tags == ()


def test_the_tagger_loads_without_importing_textblob_or_nltk():
    # Importing the textblob package imports NLTK: half a second of start-up for nothing we use. A fresh
    # interpreter, as other tests may import them.
    script = (
        "import sys\n"
        "from termsieve.english import tokenize\n"
        "from termsieve.phrases import phrases\n"
        "tags = phrases('Prices rose.', tokenize('Prices rose.')).tags\n"
        "assert tags[1] in ('VBD', 'VBN'), tags\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('nltk', 'textblob')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
