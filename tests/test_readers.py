"""Readers of bilingual text and TMX: pairing, locations, format detection, errors, safe XML."""

from __future__ import annotations

import codecs
import hashlib
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from termsieve.cli import cli
from termsieve.errors import FormatError, InputError
from termsieve.model import Granularity, Location
from termsieve.readers import READERS, ReadOptions, detect_format, read_corpus

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "readers"
SEED = ROOT / "examples" / "beijing-2025-report-excerpt.txt"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def error_of(paths, **kwargs) -> InputError:
    with pytest.raises(InputError) as caught:
        read_corpus([str(path) for path in paths], **kwargs)
    return caught.value


# --- interleaved text ---


class TestInterleaved:
    def test_seed_example(self):
        corpus = read_corpus([SEED])
        # 4 title lines pair line by line with their 4 English lines, then 6 one-line blocks.
        assert len(corpus.pairs) == 10
        first = corpus.pairs[0]
        assert first.source == "政 府 工 作 報 告"
        assert first.target == "REPORT ON THE WORK OF THE GOVERNMENT"
        assert first.source_location == Location(str(SEED), 1)
        assert first.target_location == Location(str(SEED), 5)
        assert [pair.source_location.line for pair in corpus.pairs[:4]] == [1, 2, 3, 4]
        assert [pair.target_location.line for pair in corpus.pairs[:4]] == [5, 6, 7, 8]
        assert corpus.pairs[3].target == "Yin Yong, Mayor of Beijing"
        assert corpus.pairs[-1].source.startswith("加快建設全球數字經濟標桿城市")
        assert corpus.pairs[-1].source_location.line == 19
        assert corpus.pairs[-1].target_location.line == 20
        assert all(pair.granularity is Granularity.PARAGRAPH for pair in corpus.pairs)

    def test_inputs_record_format_and_hash(self):
        corpus = read_corpus([SEED])
        assert len(corpus.inputs) == 1
        assert corpus.inputs[0].format == "text"
        assert corpus.inputs[0].path == str(SEED)
        assert corpus.inputs[0].sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()

    def test_unequal_blocks_pair_as_joined_paragraphs(self):
        corpus = read_corpus([FIXTURES / "interleaved.txt"])
        assert len(corpus.pairs) == 3
        paragraph = corpus.pairs[2]
        # Line breaks are kept (sentence alignment unwraps them); the blank line between blocks does not matter.
        assert paragraph.source == "推动人工智能产业发展。支持5G和6G网络建设;建设2个智算集群。\n完善数据要素市场。"
        assert paragraph.target.startswith("We will promote the AI industry.")
        assert paragraph.source_location.line == 6
        assert paragraph.target_location.line == 8

    def test_traditional_and_simplified_are_both_chinese(self):
        traditional = read_corpus([FIXTURES / "traditional.txt"])
        assert [pair.source for pair in traditional.pairs[:2]] == ["政 府 工 作 報 告", "北京市市長"]
        assert traditional.pairs[2].source.startswith("加快建設")  # kept as written, not converted
        simplified = read_corpus([FIXTURES / "interleaved.txt"])
        assert simplified.pairs[0].source == "人工智能发展报告"

    def test_chinese_line_with_latin_tokens_stays_chinese(self, tmp_path):
        path = write(tmp_path / "mixed.txt", "支持5G、6G和AI发展\nSupport 5G, 6G and AI\n")
        (pair,) = read_corpus([path]).pairs
        assert pair.source == "支持5G、6G和AI发展"

    def test_line_without_letters_stays_in_its_block(self, tmp_path):
        path = write(tmp_path / "numbers.txt", "第一段。\n2025\n第二段。\nFirst.\nSecond.\n")
        (pair,) = read_corpus([path]).pairs
        assert pair.source == "第一段。\n2025\n第二段。"

    def test_chinese_block_without_english_is_an_error_at_its_line(self, tmp_path):
        path = write(tmp_path / "tail.txt", "中文。\nEnglish.\n\n又一段中文。\n")
        error = error_of([path])
        assert str(error) == f"{path}:4: Chinese block with no English block after it"
        assert error.exit_code == 3

    def test_english_first_is_an_error_at_line_one(self, tmp_path):
        path = write(tmp_path / "head.txt", "Draft\n中文。\nEnglish.\n")
        error = error_of([path])
        assert error.path == str(path) and error.line == 1
        assert "English block with no Chinese block before it" in error.message

    def test_crlf_and_utf8_bom(self, tmp_path):
        path = tmp_path / "bom.txt"
        path.write_bytes(codecs.BOM_UTF8 + "中文。\r\nEnglish.\r\n".encode())
        (pair,) = read_corpus([path]).pairs
        assert (pair.source, pair.target) == ("中文。", "English.")
        assert pair.target_location.line == 2

    @pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
    def test_utf16_with_bom(self, tmp_path, encoding):
        path = tmp_path / "wide.txt"
        data = "中文。\nEnglish.\n".encode(encoding)
        if encoding == "utf-16-be":
            data = codecs.BOM_UTF16_BE + data
        path.write_bytes(data)
        (pair,) = read_corpus([path]).pairs
        assert (pair.source, pair.target) == ("中文。", "English.")

    def test_undecodable_byte_names_its_line(self, tmp_path):
        path = tmp_path / "gbk.txt"
        path.write_bytes("中文。\nEnglish.\n".encode() + "第三行\n".encode("gbk"))
        error = error_of([path])
        assert error.path == str(path) and error.line == 3
        assert "not UTF-8" in error.message

    @pytest.mark.parametrize("encoding", ["gb18030", "gbk", "big5"])
    def test_legacy_chinese_encoding_by_option(self, tmp_path, encoding):
        path = write(tmp_path / "legacy.txt", "北京市政府工作報告。\nReport on the Work of the Government.\n",
                     encoding=encoding)
        assert "not UTF-8" in error_of([path]).message  # never guessed: GB18030 decodes nearly any bytes
        (pair,) = read_corpus([path], options=ReadOptions(encoding=encoding)).pairs
        assert (pair.source, pair.target) == ("北京市政府工作報告。", "Report on the Work of the Government.")

    def test_byte_order_mark_wins_over_the_encoding_option(self, tmp_path):
        path = tmp_path / "bom.txt"
        path.write_bytes(codecs.BOM_UTF8 + "中文。\nEnglish.\n".encode())
        (pair,) = read_corpus([path], options=ReadOptions(encoding="gb18030")).pairs
        assert pair.source == "中文。"

    def test_wrong_encoding_option_names_the_line(self, tmp_path):
        path = write(tmp_path / "utf8.txt", "中文。\nEnglish.\n")
        error = error_of([path], options=ReadOptions(encoding="big5"))
        assert error.line == 1 and "not big5" in error.message and "--encoding" in error.message

    def test_unknown_encoding_is_refused_before_reading(self, tmp_path):
        path = write(tmp_path / "utf8.txt", "中文。\nEnglish.\n")
        assert "unknown encoding 'klingon'" in error_of([path], options=ReadOptions(encoding="klingon")).message

    def test_parallel_files_in_a_legacy_encoding_are_paired(self, tmp_path):
        zh = write(tmp_path / "report.zh.txt", "第一句。\n第二句。\n", encoding="gb18030")
        en = write(tmp_path / "report.en.txt", "First.\nSecond.\n", encoding="gb18030")
        pairs = read_corpus([zh, en], options=ReadOptions(encoding="gb18030")).pairs
        assert [(pair.source, pair.target) for pair in pairs] == [("第一句。", "First."), ("第二句。", "Second.")]

    def test_utf16_without_bom_is_refused(self, tmp_path):
        path = tmp_path / "nobom.txt"
        path.write_bytes("English.\n".encode("utf-16-le"))
        error = error_of([path])
        assert error.line == 1 and "UTF-16" in error.message

    @pytest.mark.parametrize("content", ["", "\n\n  \n"])
    def test_empty_file(self, tmp_path, content):
        path = write(tmp_path / "empty.txt", content)
        error = error_of([path])
        assert str(error) == f"{path}:1: empty file"


# --- two files, one language each ---


class TestParallel:
    def test_two_txt_files_pair_by_line_whatever_their_order(self):
        zh, en = FIXTURES / "parallel.zh.txt", FIXTURES / "parallel.en.txt"
        for order in ([zh, en], [en, zh]):
            corpus = read_corpus(order)
            assert [pair.source for pair in corpus.pairs] == ["人工智能产业。", "数据要素市场。", "新质生产力。"]
            assert corpus.pairs[2].target == "New quality productive forces."
            assert corpus.pairs[2].source_location == Location(str(zh), 4)
            assert corpus.pairs[2].target_location == Location(str(en), 4)
            assert {file.format for file in corpus.inputs} == {"parallel"}
            assert [file.path for file in corpus.inputs] == [str(path) for path in order]

    def test_paragraphs_when_lines_differ(self, tmp_path):
        zh = write(tmp_path / "a.txt", "第一段第一句。\n第一段第二句。\n\n第二段。\n")
        en = write(tmp_path / "b.txt", "First paragraph, both sentences, wrapped.\n\nSecond paragraph.\n")
        corpus = read_corpus([zh, en])
        assert [pair.source for pair in corpus.pairs] == ["第一段第一句。\n第一段第二句。", "第二段。"]
        assert corpus.pairs[1].source_location.line == 4
        assert corpus.pairs[1].target_location.line == 3
        assert all(pair.granularity is Granularity.PARAGRAPH for pair in corpus.pairs)

    def test_mismatched_counts_name_both_files_and_where_they_diverge(self, tmp_path):
        zh = write(tmp_path / "r.zh.txt",
                   "人工智能产业发展。\n加快创建数据要素市场化配置改革综合试验区,打造国家数据管理中心。\n"
                   "2025年的任务。\n新质生产力。\n")
        en = write(tmp_path / "r.en.txt",
                   "The development of the AI industry.\nThe tasks for 2025.\nNew quality productive forces.\n")
        error = error_of([zh, en])
        assert error.path == str(zh) and error.line == 2
        assert f"{en}:2" in error.message
        assert "4 Chinese lines but 3 English lines" in error.message

    def test_explicit_parallel_format(self):
        corpus = read_corpus([FIXTURES / "parallel.zh.txt", FIXTURES / "parallel.en.txt"], format="parallel")
        assert len(corpus.pairs) == 3

    def test_two_chinese_files_are_an_error(self, tmp_path):
        first = write(tmp_path / "a.txt", "中文。\n")
        second = write(tmp_path / "b.txt", "还是中文。\n")
        error = error_of([first, second], format="parallel")
        assert "both files look Chinese" in error.message

    def test_two_interleaved_files_stay_interleaved(self):
        corpus = read_corpus([FIXTURES / "interleaved.txt", SEED])
        assert [file.format for file in corpus.inputs] == ["text", "text"]
        assert len(corpus.pairs) == 3 + 10


# --- TMX ---


class TestTmx:
    def test_languages_by_tuv_tag_not_header(self):
        path = FIXTURES / "sample.tmx"
        corpus = read_corpus([path])
        assert [pair.source for pair in corpus.pairs] == ["一带一路倡议", "共有{0}個項目", "第一行 第二行"]
        assert [pair.target for pair in corpus.pairs] == [
            "The Belt and Road Initiative",
            "There are {0} projects",
            "first line second line",
        ]
        first = corpus.pairs[0]
        assert first.source_location == Location(str(path), 8)  # the zh tuv comes second in this tu
        assert first.target_location == Location(str(path), 7)
        assert all(pair.granularity is Granularity.SEGMENT for pair in corpus.pairs)
        assert corpus.inputs[0].format == "tmx"

    def test_paragraph_segtype_needs_alignment(self, tmp_path):
        path = write(tmp_path / "p.tmx", _tmx('<tu><tuv xml:lang="zh"><seg>甲。乙。</seg></tuv>'
                                              '<tuv xml:lang="en"><seg>A. B.</seg></tuv></tu>',
                                              segtype="paragraph"))
        (pair,) = read_corpus([path]).pairs
        assert pair.granularity is Granularity.PARAGRAPH

    def test_without_chinese_is_an_error(self, tmp_path):
        path = write(tmp_path / "fr.tmx", _tmx('<tu><tuv xml:lang="fr"><seg>Bonjour</seg></tuv>\n'
                                               '<tuv xml:lang="en"><seg>Hello</seg></tuv></tu>'))
        error = error_of([path])
        assert error.path == str(path) and error.line == 4
        assert "no Chinese (zh) variants" in error.message and "en, fr" in error.message

    def test_malformed_xml_names_its_line(self, tmp_path):
        path = write(tmp_path / "bad.tmx", _tmx('<tu><tuv xml:lang="zh"><seg>中文</tuv></tu>'))
        error = error_of([path])
        assert error.path == str(path) and error.line == 4
        assert "malformed XML" in error.message

    def test_billion_laughs_is_refused_quickly(self, tmp_path):
        entities = ['<!ENTITY lol "lol">'] + [
            f'<!ENTITY lol{level} "{("&lol" + (str(level - 1) if level > 1 else "") + ";") * 10}">'
            for level in range(1, 10)
        ]
        text = ('<?xml version="1.0"?>\n<!DOCTYPE tmx [\n' + "\n".join(entities) + "\n]>\n"
                '<tmx version="1.4"><header/><body><tu><tuv xml:lang="zh"><seg>&lol9;</seg></tuv>'
                '<tuv xml:lang="en"><seg>x</seg></tuv></tu></body></tmx>\n')
        path = write(tmp_path / "laughs.tmx", text)
        started = time.perf_counter()
        error = error_of([path])
        assert time.perf_counter() - started < 1.0
        assert error.line == 3 and "entities" in error.message

    def test_external_entity_does_not_leak(self, tmp_path):
        secret = write(tmp_path / "secret.txt", "TOP-SECRET-VALUE")
        text = (f'<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
                '<tmx version="1.4"><header/><body><tu><tuv xml:lang="zh"><seg>中文&xxe;</seg></tuv>'
                '<tuv xml:lang="en"><seg>Chinese</seg></tuv></tu></body></tmx>\n')
        path = write(tmp_path / "xxe.tmx", text)
        error = error_of([path])
        assert "TOP-SECRET" not in str(error)
        assert error.line == 2

    def test_undeclared_entity_is_malformed_not_expanded(self, tmp_path):
        path = write(tmp_path / "undeclared.tmx", _tmx('<tu><tuv xml:lang="zh"><seg>中文&passwd;</seg></tuv>'
                                                       '<tuv xml:lang="en"><seg>x</seg></tuv></tu>'))
        with pytest.raises(InputError):
            read_corpus([path])

    def test_real_corpus_when_present(self):
        path = Path("/work/shared/corpus/GR2016.tmx")
        if not path.exists():
            pytest.skip("shared corpus not available")
        corpus = read_corpus([path])
        assert len(corpus.pairs) >= 690
        assert corpus.pairs[0].source == "政府工作报告"
        assert corpus.pairs[0].source_location.line == 7

    def test_untranslated_units_are_counted_not_paired(self, tmp_path):
        path = write(tmp_path / "u.tmx", _tmx(
            '\n<tu><tuv xml:lang="zh"><seg>人工智能</seg></tuv><tuv xml:lang="en"><seg>AI</seg></tuv></tu>'
            '\n<tu><tuv xml:lang="zh"><seg>数据要素</seg></tuv></tu>'
            '\n<tu><tuv xml:lang="zh"><seg>算力</seg></tuv><tuv xml:lang="en"><seg> </seg></tuv></tu>'
            '\n<tu><tuv xml:lang="fr"><seg>bonjour</seg></tuv><tuv xml:lang="de"><seg>hallo</seg></tuv></tu>'))
        corpus = read_corpus([path])
        assert [pair.source for pair in corpus.pairs] == ["人工智能"]
        # Units in other languages are not untranslated ones: only the two Chinese-only units count.
        assert corpus.one_sided == (Location(str(path), 6), Location(str(path), 7))


def _tmx(body: str, segtype: str = "sentence") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
            f'<header srclang="zh" segtype="{segtype}"/>\n<body>{body}\n</body>\n</tmx>\n')


# --- format detection and the registry ---


class TestDetection:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [("a.txt", "text"), ("a.tsv", "tsv"), ("a.tab", "tsv"), ("a.csv", "csv"), ("a.xlsx", "xlsx"),
         ("a.TMX", "tmx")],
    )
    def test_by_extension(self, tmp_path, name, expected):
        assert detect_format(tmp_path / name) == expected

    def test_sniffs_tmx_in_unknown_extension(self, tmp_path):
        path = write(tmp_path / "memory.xml", _tmx('<tu><tuv xml:lang="zh"><seg>中文</seg></tuv>'
                                                  '<tuv xml:lang="en"><seg>Chinese</seg></tuv></tu>'))
        assert detect_format(path) == "tmx"
        assert read_corpus([path]).pairs[0].source == "中文"

    def test_unknown_extension_lists_formats(self, tmp_path):
        path = write(tmp_path / "notes.bin", "nothing here")
        with pytest.raises(FormatError) as caught:
            detect_format(path)
        assert "tmx" in str(caught.value) and "tsv" in str(caught.value)

    def test_unknown_format_name(self):
        with pytest.raises(FormatError, match="known formats"):
            read_corpus([SEED], format="docx")

    def test_every_registered_reader_imports(self):
        for name in READERS.names():
            assert callable(READERS.get(name))

    def test_read_options_default(self):
        assert ReadOptions() == ReadOptions(source_column=None, target_column=None)


# --- through the command line ---


def test_cli_reports_input_error_with_exit_code_3(tmp_path):
    path = write(tmp_path / "tail.txt", "中文。\nEnglish.\n又一段中文。\n")
    result = CliRunner().invoke(cli, ["extract", str(path), "-o", str(tmp_path / "out.tsv"), "-q"])
    assert result.exit_code == 3
    assert f"Error: {path}:3: Chinese block with no English block after it" in result.output
    assert not (tmp_path / "out.tsv").exists()


def test_console_script_reports_malformed_tmx(tmp_path):
    path = write(tmp_path / "bad.tmx", _tmx('<tu><tuv xml:lang="zh"><seg>中文</tuv></tu>'))
    script = Path(sys.executable).with_name("termsieve")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "termsieve"]
    result = subprocess.run([*command, "extract", str(path), "-o", str(tmp_path / "out.tsv"), "-q"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 3
    assert f"{path}:4: malformed XML" in result.stderr


def test_several_parallel_pairs_and_interleaved_text_together(tmp_path):
    zh_a = write(tmp_path / "a.zh.txt", "第一章。\n")
    en_a = write(tmp_path / "a.en.txt", "Chapter one.\n")
    en_b = write(tmp_path / "b.en.txt", "Chapter two.\n")
    zh_b = write(tmp_path / "b.zh.txt", "第二章。\n")
    corpus = read_corpus([zh_a, en_a, FIXTURES / "interleaved.txt", en_b, zh_b])
    assert [(file.path, file.format) for file in corpus.inputs] == [
        (str(zh_a), "parallel"), (str(en_a), "parallel"), (str(FIXTURES / "interleaved.txt"), "text"),
        (str(en_b), "parallel"), (str(zh_b), "parallel"),
    ]
    assert [pair.source for pair in corpus.pairs][:1] + [pair.source for pair in corpus.pairs][-1:] == [
        "第一章。", "第二章。"]
