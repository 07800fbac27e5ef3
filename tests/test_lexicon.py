"""The compact word tables that hold jieba's word classes and wordfreq's frequencies."""

from __future__ import annotations

import marshal

from termsieve.lexicon import WordTable, bucket_strings


def test_every_word_is_found_with_its_value_and_others_are_not():
    entries = {"产业": "n", "产业集群": "nz", "产": "v", "集群": "n", "5G": "eng", "人工智能": "n"}
    table = WordTable(marshal.loads(marshal.dumps(bucket_strings(entries.items()))))
    for word, value in entries.items():
        assert table.get(word) == value
        assert word in table
    for absent in ["产业集", "业", "集", "5", "", "人工"]:
        assert table.get(absent) is None
        assert table.get(absent, "x") == "x"
        assert absent not in table


def test_a_word_is_not_found_inside_a_longer_one_or_in_a_value():
    table = WordTable(bucket_strings([("数字经济", "n"), ("数字", "m")]))
    assert table.get("数字") == "m"
    assert table.get("经济") is None


def test_overrides_replace_and_add_values_without_changing_the_table():
    table = WordTable(bucket_strings([("产业", "n")]))
    overridden = table.with_overrides({"产业": "nz", "链主企业": "nz"})
    assert (overridden.get("产业"), overridden.get("链主企业")) == ("nz", "nz")
    assert (table.get("产业"), table.get("链主企业")) == ("n", None)


def test_entries_with_separators_are_left_out_rather_than_corrupting_the_table():
    table = WordTable(bucket_strings([("a\tb", "n"), ("ab", "x\ny"), ("ac", "v")]))
    assert table.get("ac") == "v"
    assert table.get("a\tb") is None and table.get("ab") is None
