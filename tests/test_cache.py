"""The on-disk cache of parsed dictionaries."""

from __future__ import annotations

import os

from termsieve import cache


def test_cache_builds_once_and_rebuilds_when_the_source_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("TERMSIEVE_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "source.txt"
    source.write_text("one", encoding="utf-8")
    calls = []

    def build():
        calls.append(1)
        return {"word": source.read_text(encoding="utf-8")}

    assert cache.cached("demo", [source], build) == {"word": "one"}
    assert cache.cached("demo", [source], build) == {"word": "one"}
    assert len(calls) == 1
    source.write_text("two!", encoding="utf-8")
    os.utime(source, ns=(1, 1))
    assert cache.cached("demo", [source], build) == {"word": "two!"}
    assert len(calls) == 2


def test_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("TERMSIEVE_CACHE_DIR", str(blocker / "cache"))
    source = tmp_path / "source.txt"
    source.write_text("x", encoding="utf-8")
    assert cache.cached("demo", [source], lambda: [1, 2, 3]) == [1, 2, 3]


def test_corrupt_cache_entry_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("TERMSIEVE_CACHE_DIR", str(tmp_path))
    source = tmp_path / "source.txt"
    source.write_text("x", encoding="utf-8")
    cache.cached("demo", [source], lambda: "first")
    (entry,) = tmp_path.glob("demo-*.marshal")
    entry.write_bytes(b"\x00garbage")
    assert cache.cached("demo", [source], lambda: "rebuilt") == "rebuilt"


def test_old_entries_of_a_name_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv("TERMSIEVE_CACHE_DIR", str(tmp_path / "cache"))
    for index in range(5):
        source = tmp_path / f"source-{index}.txt"  # another installation: another path, another key
        source.write_text("x", encoding="utf-8")
        cache.cached("demo", [source], lambda index=index: index)
    assert len(list((tmp_path / "cache").glob("demo-*.marshal"))) == 3


def test_pruning_a_name_leaves_a_longer_name_that_starts_with_it_alone(tmp_path, monkeypatch):
    # "cedict" and "cedict-verbs", "wordfreq-zh" and "wordfreq-zh-table" share a prefix.
    monkeypatch.setenv("TERMSIEVE_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "source.txt"
    source.write_text("x", encoding="utf-8")
    cache.cached("demo-table", [source], lambda: "table")
    for index in range(5):
        other = tmp_path / f"source-{index}.txt"
        other.write_text("x", encoding="utf-8")
        cache.cached("demo", [other], lambda index=index: index)
    assert len(list((tmp_path / "cache").glob("demo-table-*.marshal"))) == 1
    assert cache.cached("demo-table", [source], lambda: "rebuilt") == "table"


def test_entries_of_retired_names_are_removed_when_the_cache_is_written(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("TERMSIEVE_CACHE_DIR", str(directory))
    directory.mkdir()
    retired = [directory / f"{name}-0123abcd.marshal" for name in cache.RETIRED_NAMES]
    for entry in retired:
        entry.write_bytes(b"old")
    kept = directory / "jieba-prefix-buckets-0123abcd.marshal"  # a current name that starts with a retired one
    kept.write_bytes(b"current")
    source = tmp_path / "source.txt"
    source.write_text("x", encoding="utf-8")
    assert cache.cached("demo", [source], lambda: "built") == "built"
    assert not any(entry.exists() for entry in retired)
    assert kept.exists()
