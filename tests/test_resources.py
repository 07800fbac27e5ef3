"""Readers added for check: JSON/YAML i18n pairs, gettext PO, XLIFF 1.2/2.0, Markdown document pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from termsieve.errors import InputError
from termsieve.readers import detect_format, read_corpus
from termsieve.readers.markdown import read_markdown_pair
from termsieve.readers.po import read_po, read_po_pair
from termsieve.readers.resources import read_json_entries, read_json_pair, read_yaml_pair
from termsieve.readers.xliff import read_xliff

LOCALES = Path(__file__).parent / "fixtures" / "check" / "locales"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def by_key(pairs):
    return {pair.key: pair for pair in pairs}


# --- JSON ---


def test_json_pair_flattens_keys_and_points_at_each_key():
    pairs = by_key(read_json_pair([LOCALES / "en.json", LOCALES / "zh-CN.json"]))  # order does not matter
    assert set(pairs) == {"app.title", "app.menu.open", "app.menu.policy", "items.0", "items.1.label", "only_zh"}
    policy = pairs["app.menu.policy"]
    assert (policy.source, policy.target) == ("一带一路", "One Belt, One Road")
    assert (policy.source_location.line, policy.source_location.column) == (6, 7)
    assert (policy.target_location.path, policy.target_location.line) == (str(LOCALES / "en.json"), 4)
    assert pairs["items.0"].target_location.line == 10  # list items: the item's own line
    assert pairs["items.1.label"].target_location.line == 11
    assert pairs["only_zh"].target == "" and pairs["only_zh"].target_location.path.endswith("zh-CN.json")


def test_json_scanner_handles_escapes_and_same_key_names_at_different_depths(tmp_path):
    path = write(tmp_path / "a.json", '{"a": {"b": "x"},\n "b": "say \\"hi\\" \\u4e2d",\n "c": [[], {}, null, -1.5e3],'
                                      '\n "a.b2": "y"}')
    entries = {entry.key: (entry.value, entry.line) for entry in read_json_entries(path)}
    assert entries == {"a.b": ("x", 1), "b": ('say "hi" 中', 2), "a.b2": ("y", 4)}


def test_invalid_json_names_the_line(tmp_path):
    write(tmp_path / "zh.json", '{"a": "人工智能"}')
    write(tmp_path / "en.json", '{\n"a": "AI",\n}')
    with pytest.raises(InputError) as raised:
        read_json_pair([tmp_path / "zh.json", tmp_path / "en.json"])
    assert raised.value.line == 3 and raised.value.path.endswith("en.json")


# --- YAML ---


def test_yaml_pair_drops_the_locale_root_and_uses_marks():
    pairs = by_key(read_yaml_pair([LOCALES / "zh-CN.yml", LOCALES / "en.yml"]))
    assert set(pairs) == {"app.title", "app.policy", "list.0"}
    assert (pairs["app.policy"].target, pairs["app.policy"].target_location.line) == ("Belt and Road", 3)
    assert pairs["app.title"].target_location.line == 4
    assert (pairs["list.0"].target_location.line, pairs["list.0"].target_location.column) == (6, 7)


def test_invalid_yaml_names_the_line(tmp_path):
    write(tmp_path / "zh.yml", "a: 人工智能\n")
    write(tmp_path / "en.yml", "a: AI\nb: [unclosed\n")
    with pytest.raises(InputError) as raised:
        read_yaml_pair([tmp_path / "zh.yml", tmp_path / "en.yml"])
    assert raised.value.path.endswith("en.yml") and raised.value.line


def test_read_corpus_pairs_two_resource_files_by_extension():
    corpus = read_corpus([LOCALES / "zh-CN.json", LOCALES / "en.json"])
    assert len(corpus.pairs) == 6 and detect_format(LOCALES / "en.yml") == "yaml"


# --- PO ---

BILINGUAL_PO = """\
# header comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#: src/a.c:1
msgctxt "menu"
msgid "一带一路"
msgstr "Belt and Road"

msgid "人工智能"
msgid_plural "人工智能"
msgstr[0] "AI"
msgstr[1] "AIs"

#~ msgid "旧的"
#~ msgstr "old"
"""


def test_bilingual_po(tmp_path):
    path = write(tmp_path / "zh_en.po", BILINGUAL_PO)
    pairs = read_po([path])
    assert [(pair.key, pair.source, pair.target) for pair in pairs] == [
        ("[menu] 一带一路", "一带一路", "Belt and Road"), ("人工智能", "人工智能", "AI")]
    assert [(pair.source_location.line, pair.target_location.line) for pair in pairs] == [(8, 9), (11, 13)]


def test_po_pair_keyed_by_msgid(tmp_path):
    zh = write(tmp_path / "zh.po", 'msgid "menu.title"\nmsgstr "人工智能"\n\nmsgctxt "x"\nmsgid "menu.title"\n'
                                   'msgstr "高质量发展"\n')
    en = write(tmp_path / "en.po", 'msgid "menu.title"\nmsgstr "Artificial intelligence"\n\n'
                                   'msgctxt "x"\nmsgid "menu.title"\nmsgstr ""\n')
    pairs = by_key(read_po_pair([en, zh]))
    assert (pairs["menu.title"].source, pairs["menu.title"].target) == ("人工智能", "Artificial intelligence")
    assert pairs["menu.title"].target_location == pairs["menu.title"].target_location.__class__(str(en), 2, 1)
    # An English file with an empty msgstr falls back to its (English) msgid.
    assert pairs["[x] menu.title"].target == "menu.title"


def test_po_with_english_msgids_alone_is_refused(tmp_path):
    path = write(tmp_path / "en.po", 'msgid "Open"\nmsgstr "打开"\n')
    with pytest.raises(InputError, match="partner"):
        read_po([path])


# --- XLIFF ---

XLIFF_12 = """\
<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="zh-CN" target-language="en" datatype="plaintext" original="a">
    <body>
      <trans-unit id="t1">
        <source>推进<g id="1">一带一路</g>建设<x id="2"/></source>
        <target>Advance the <g id="1">Belt and Road</g></target>
      </trans-unit>
      <trans-unit id="t2" translate="no"><source>代码</source></trans-unit>
      <trans-unit id="t3"><source>人工智能</source></trans-unit>
    </body>
  </file>
</xliff>
"""

XLIFF_20_REVERSED = """\
<?xml version="1.0"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="zh-CN">
 <file id="f"><unit id="u1"><segment><source>AI <ph id="1"/>tools</source>
 <target>人工智能工具</target></segment></unit></file>
</xliff>
"""


def test_xliff_12(tmp_path):
    pairs = read_xliff([write(tmp_path / "a.xlf", XLIFF_12)])
    assert [(pair.key, pair.source, pair.target) for pair in pairs] == [
        ("t1", "推进一带一路建设", "Advance the Belt and Road"), ("t3", "人工智能", "")]
    assert pairs[0].target_location.line == 7


def test_xliff_20_with_english_source_is_swapped(tmp_path):
    [pair] = read_xliff([write(tmp_path / "b.xliff", XLIFF_20_REVERSED)])
    assert (pair.source, pair.target, pair.key) == ("人工智能工具", "AI tools", "u1")
    assert (pair.source_location.line, pair.target_location.line) == (4, 3)


def test_xliff_does_not_resolve_external_entities(tmp_path):
    secret = write(tmp_path / "secret.txt", "TOP-SECRET")
    document = XLIFF_12.replace('<?xml version="1.0" encoding="UTF-8"?>',
                                f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]>')
    document = document.replace("Advance the", "Advance &e; the")
    pairs = read_xliff([write(tmp_path / "c.xlf", document)])
    assert "TOP-SECRET" not in pairs[0].target


def test_xliff_errors(tmp_path):
    with pytest.raises(InputError) as raised:
        read_xliff([write(tmp_path / "bad.xlf", "<xliff>\n<file>\n</xliff>")])
    assert raised.value.line
    with pytest.raises(InputError, match="not an XLIFF"):
        read_xliff([write(tmp_path / "other.xlf", "<root/>")])


# --- Markdown ---

ZH_MD = """\
---
title: 测试
---
# 一带一路

推进**一带一路**建设，
发展[人工智能](https://example.org)。

```python
# 代码不比较
```

- 第一项
- 第二项

| 术语 | 说明 |
|------|------|
| 人工智能 | 技术 |
"""

EN_MD = """\
# Belt and Road

Advance the **Belt and Road**,
develop [AI](https://example.org).

- first
- second

| Term | Note |
| --- | --- |
| AI | technology |
"""


def test_markdown_pairs_blocks_and_strips_markup(tmp_path):
    pairs = read_markdown_pair([write(tmp_path / "en.md", EN_MD), write(tmp_path / "zh.md", ZH_MD)])
    assert [(pair.source, pair.target) for pair in pairs] == [
        ("一带一路", "Belt and Road"),
        ("推进一带一路建设，发展人工智能。", "Advance the Belt and Road, develop AI."),
        ("第一项", "first"), ("第二项", "second"),
        ("术语 说明", "Term Note"), ("人工智能 技术", "AI technology"),
    ]
    assert [pair.source_location.line for pair in pairs] == [4, 6, 13, 14, 16, 18]
    assert [pair.target_location.line for pair in pairs] == [1, 3, 6, 7, 9, 11]


def test_markdown_structure_mismatch_names_both_places(tmp_path):
    zh = write(tmp_path / "zh.md", "# 标题\n\n段落一\n\n段落二\n")
    en = write(tmp_path / "en.md", "# Title\n\n- item\n")
    with pytest.raises(InputError) as raised:
        read_markdown_pair([zh, en])
    assert "3 Chinese blocks but 2 English blocks" in raised.value.message
    assert f"{zh}:3" in raised.value.message and f"{en}:3" in raised.value.message
