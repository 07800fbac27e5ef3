"""Two-column table readers: TSV, CSV and XLSX."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from termsieve.errors import InputError
from termsieve.model import Granularity, Location
from termsieve.readers import ReadOptions, read_corpus


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def texts(path: Path, **options) -> list[tuple[str, str]]:
    corpus = read_corpus([path], options=ReadOptions(**options))
    return [(pair.source, pair.target) for pair in corpus.pairs]


def workbook(path: Path, rows: list[list], title: str = "Sheet1", second_sheet: bool = False) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if second_sheet:
        book.create_sheet("Other").append(["不该读到", "must not be read"])
    book.save(path)
    return path


class TestTsv:
    def test_untranslated_rows_are_counted_not_paired(self, tmp_path):
        path = write(tmp_path / "t.tsv", "zh\ten\n人工智能\tAI\n数据要素\t\n\t\n\tcomputing power\n")
        corpus = read_corpus([path])
        assert [(pair.source, pair.target) for pair in corpus.pairs] == [("人工智能", "AI")]
        # The blank row (line 4) is no untranslated row.
        assert corpus.one_sided == (Location(str(path), 3), Location(str(path), 5))

    def test_a_fully_translated_file_has_no_one_sided_rows(self, tmp_path):
        path = write(tmp_path / "t.tsv", "zh\ten\n人工智能\tAI\n\n数据要素\tdata as a factor\n")
        assert read_corpus([path]).one_sided == ()

    def test_language_headers_and_an_extra_column(self, tmp_path):
        path = write(tmp_path / "t.tsv", "id\tzh-CN\ten-US\n1\t人工智能\tartificial intelligence\n"
                                         "2\t数据要素\tdata as a production factor\n")
        corpus = read_corpus([path])
        assert [(pair.source, pair.target) for pair in corpus.pairs] == [
            ("人工智能", "artificial intelligence"),
            ("数据要素", "data as a production factor"),
        ]
        assert corpus.pairs[1].source_location == Location(str(path), 3)
        assert corpus.pairs[1].target_location == Location(str(path), 3)
        assert all(pair.granularity is Granularity.SEGMENT for pair in corpus.pairs)
        assert corpus.inputs[0].format == "tsv"

    @pytest.mark.parametrize(
        ("source", "target"),
        [("中文", "英文"), ("Chinese", "English"), ("source", "target"), ("zh_Hant", "en_GB"), ("ZH", "EN")],
    )
    def test_header_names_are_sniffed(self, tmp_path, source, target):
        path = write(tmp_path / "t.tsv", f"{target}\t{source}\nartificial intelligence\t人工智能\n")
        assert texts(path) == [("人工智能", "artificial intelligence")]

    def test_columns_named_in_options_case_insensitively(self, tmp_path):
        path = write(tmp_path / "t.tsv", "Term\tGloss\tNote\n人工智能\tAI\t常用\n")
        assert texts(path, source_column="term", target_column="GLOSS") == [("人工智能", "AI")]

    def test_unknown_column_lists_the_headers(self, tmp_path):
        path = write(tmp_path / "t.tsv", "Term\tGloss\n人工智能\tAI\n")
        with pytest.raises(InputError) as caught:
            read_corpus([path], options=ReadOptions(source_column="Chinese term"))
        assert str(caught.value) == (
            f"{path}:1: no column named 'Chinese term'; the first row's headers are: 'Term', 'Gloss'"
        )

    def test_without_header_the_chinese_column_is_found_by_content(self, tmp_path):
        path = write(tmp_path / "t.tsv", "artificial intelligence\t人工智能\ndata\t數據\n")
        corpus = read_corpus([path])
        assert [(pair.source, pair.target) for pair in corpus.pairs] == [
            ("人工智能", "artificial intelligence"), ("數據", "data")]
        assert corpus.pairs[0].source_location.line == 1

    def test_untranslated_rows_are_skipped(self, tmp_path):
        path = write(tmp_path / "t.tsv", "zh\ten\n人工智能\t\n\n数据\tdata\n")
        corpus = read_corpus([path])
        assert [(pair.source, pair.target) for pair in corpus.pairs] == [("数据", "data")]
        assert corpus.pairs[0].source_location.line == 4

    def test_stray_quotes_are_kept_as_written(self, tmp_path):
        path = write(tmp_path / "t.tsv", 'zh\ten\n"数据"要素\tdata "factor"\n')
        assert texts(path) == [('"数据"要素', 'data "factor"')]

    def test_three_unnamed_columns_chosen_by_content(self, tmp_path):
        path = write(tmp_path / "t.tsv", "1\tAI\t人工智能\n2\tdata\t数据\n")
        assert texts(path) == [("人工智能", "AI"), ("数据", "data")]

    def test_no_english_column_is_an_error(self, tmp_path):
        path = write(tmp_path / "t.tsv", "甲\t乙\n人工智能\t数据\n")
        with pytest.raises(InputError, match="cannot tell which column is Chinese"):
            read_corpus([path])

    def test_undecodable_byte_names_its_line(self, tmp_path):
        path = tmp_path / "t.tsv"
        path.write_bytes(b"zh\ten\n" + "数据\tdata\n".encode("gb18030"))
        with pytest.raises(InputError) as caught:
            read_corpus([path])
        assert caught.value.line == 2 and caught.value.path == str(path)

    def test_gb18030_by_option(self, tmp_path):
        path = write(tmp_path / "legacy.tsv", "zh\ten\n高精尖产业\thigh-end industries\n", encoding="gb18030")
        assert texts(path, encoding="gb18030") == [("高精尖产业", "high-end industries")]

    def test_empty_file(self, tmp_path):
        path = write(tmp_path / "t.tsv", "")
        with pytest.raises(InputError, match="empty file"):
            read_corpus([path])


class TestCsv:
    def test_quoted_commas_and_multiline_cells_keep_line_numbers(self, tmp_path):
        path = write(tmp_path / "t.csv", 'zh,en\n"数据,要素","data, as a\nfactor"\n人工智能,AI\n')
        corpus = read_corpus([path])
        assert [(pair.source, pair.target) for pair in corpus.pairs] == [
            ("数据,要素", "data, as a\nfactor"), ("人工智能", "AI")]
        assert [pair.source_location.line for pair in corpus.pairs] == [2, 4]

    def test_semicolon_delimiter_is_sniffed(self, tmp_path):
        path = write(tmp_path / "t.csv", "中文;English\n人工智能;AI\n数据;data\n")
        assert texts(path) == [("人工智能", "AI"), ("数据", "data")]

    def test_utf8_bom(self, tmp_path):
        path = tmp_path / "t.csv"
        path.write_bytes("\ufeffzh,en\n人工智能,AI\n".encode())
        assert texts(path) == [("人工智能", "AI")]

    def test_malformed_quoting_names_its_line(self, tmp_path):
        path = write(tmp_path / "t.csv", 'zh,en\n人工智能,AI\n"数据"要素,data\n')
        with pytest.raises(InputError) as caught:
            read_corpus([path])
        assert caught.value.line == 3



class TestXlsx:
    def test_untranslated_rows_name_their_empty_cell(self, tmp_path):
        path = workbook(tmp_path / "t.xlsx", [["中文", "English"], ["人工智能", "AI"], ["数据要素", None],
                                              [None, "computing power"]], title="Terms")
        corpus = read_corpus([path])
        assert len(corpus.pairs) == 1
        assert [str(location) for location in corpus.one_sided] == [f"{path}:Terms!B3", f"{path}:Terms!A4"]

    def test_first_sheet_with_cell_locations(self, tmp_path):
        path = workbook(tmp_path / "t.xlsx", [["English", "中文"], ["AI", "人工智能"], [None, None],
                                              ["2025", 2025.0], ["data", "數據"]], title="Terms", second_sheet=True)
        corpus = read_corpus([path])
        assert [(pair.source, pair.target) for pair in corpus.pairs] == [
            ("人工智能", "AI"), ("2025", "2025"), ("數據", "data")]
        assert corpus.pairs[0].source_location == Location(str(path), 2, cell="Terms!B2")
        assert corpus.pairs[0].target_location == Location(str(path), 2, cell="Terms!A2")
        assert str(corpus.pairs[2].source_location) == f"{path}:Terms!B5"
        assert corpus.inputs[0].format == "xlsx"

    def test_named_columns(self, tmp_path):
        path = workbook(tmp_path / "t.xlsx", [["ID", "Term", "Translation"], [1, "人工智能", "AI"]])
        assert texts(path, source_column="Term") == [("人工智能", "AI")]

    def test_not_a_workbook(self, tmp_path):
        path = write(tmp_path / "t.xlsx", "zh,en\n")
        with pytest.raises(InputError, match="not a readable XLSX workbook"):
            read_corpus([path])

    def test_empty_sheet(self, tmp_path):
        path = workbook(tmp_path / "t.xlsx", [])
        with pytest.raises(InputError, match="empty"):
            read_corpus([path])
