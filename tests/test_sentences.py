"""Sentence splitting and sentence alignment on small hand-made paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from termsieve.model import Granularity, Location, SegmentPair
from termsieve.readers import read_corpus
from termsieve.sentences import (
    CONFIDENT_BOUNDARY,
    SentencePair,
    align_corpus,
    align_sentences,
    first_divergence,
    split_chinese,
    split_english,
)

SEED = Path(__file__).resolve().parent.parent / "examples" / "beijing-2025-report-excerpt.txt"


def sentences(text: str, split) -> list[str]:
    return [text[span.start: span.end] for span in split(text)]


def paragraph(source: str, target: str) -> SegmentPair:
    return SegmentPair(source, target, Location("p.txt", 7), Location("p.txt", 8), Granularity.PARAGRAPH)


class TestSplitChinese:
    def test_full_width_and_ascii_ends(self):
        text = "推动发展。支持5G;建设2个集群!好吗?对"
        assert sentences(text, split_chinese) == ["推动发展。", "支持5G;", "建设2个集群!", "好吗?", "对"]

    def test_semicolon_ends_a_sentence(self):
        assert sentences("完善政策；推动项目。", split_chinese) == ["完善政策；", "推动项目。"]

    def test_ascii_period_after_cjk_but_not_in_decimals(self):
        assert sentences("第一句.第二句", split_chinese) == ["第一句.", "第二句"]
        assert sentences("增长3.5%。然后", split_chinese) == ["增长3.5%。", "然后"]

    def test_closing_quote_stays_with_its_sentence(self):
        assert sentences("他说“好。”然后走了。", split_chinese) == ["他说“好。”", "然后走了。"]

    def test_ascii_commas_do_not_split(self):
        assert len(split_chinese("推動科技創新和產業創新融合發展,加快數字化轉型,建設現代化產業體系。")) == 1

    def test_spans_skip_whitespace(self):
        text = "甲。  乙。 "
        spans = split_chinese(text)
        assert [(span.start, span.end) for span in spans] == [(0, 2), (4, 6)]


class TestSplitEnglish:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("The U.S. Government said so. Next one.", ["The U.S. Government said so.", "Next one."]),
            ("No. 5 is here. Fine.", ["No. 5 is here.", "Fine."]),
            ("Use e.g. this. Then go.", ["Use e.g. this.", "Then go."]),
            ("It grew 3.5 percent. Then it fell.", ["It grew 3.5 percent.", "Then it fell."]),
            ("He said “go.” Then we went.", ["He said “go.”", "Then we went."]),
            ("Mr. Smith arrived. He left.", ["Mr. Smith arrived.", "He left."]),
            ("Growth in 2025. We will act.", ["Growth in 2025.", "We will act."]),
            ("Apples, pears, etc. We also sell nuts.", ["Apples, pears, etc.", "We also sell nuts."]),
            ("Is it? Yes! Fine.", ["Is it?", "Yes!", "Fine."]),
            ("5. Developing high-end industries. We will.", ["5. Developing high-end industries.", "We will."]),
            ("II. Tasks for 2025", ["II. Tasks for 2025"]),
            ("Built by J. Smith in 1990.", ["Built by J. Smith in 1990."]),
        ],
    )
    def test_sentence_ends(self, text, expected):
        assert sentences(text, split_english) == expected


class TestAlignSentences:
    def test_one_to_one_with_chinese_semicolon(self):
        zh = "推动科技创新。建设2个智算集群;支持5G网络建设。完善数据市场。"
        en = ("We will promote innovation in science and technology. Two intelligent computing clusters will "
              "be built. We will support the construction of 5G networks. We will improve the data market.")
        pairs = align_sentences(zh, en)
        assert [(zh[p.source.start: p.source.end], en[p.target.start: p.target.end]) for p in pairs] == [
            ("推动科技创新。", "We will promote innovation in science and technology."),
            ("建设2个智算集群;", "Two intelligent computing clusters will be built."),
            ("支持5G网络建设。", "We will support the construction of 5G networks."),
            ("完善数据市场。", "We will improve the data market."),
        ]
        assert all(isinstance(p, SentencePair) and p.confidence > CONFIDENT_BOUNDARY for p in pairs)

    def test_one_chinese_sentence_to_two_english(self):
        zh = ("提升優勢產業發展能級。完善新一代信息技術、人工智能等產業支持政策,推動集成電路重點項目產能爬坡。"
              "支持企業發展。")
        en = ("Scale up the capacity of industries where we excel. We will improve supportive policies for "
              "next-generation information technology and artificial intelligence, among other industries. "
              "We will ramp up the production capacity of key integrated circuits projects. "
              "We will support enterprises.")
        pairs = align_sentences(zh, en)
        middle = pairs[1]
        assert zh[middle.source.start: middle.source.end].startswith("完善新一代")
        assert en[middle.target.start: middle.target.end].endswith("integrated circuits projects.")
        assert len(pairs) == 3

    @pytest.mark.parametrize(
        ("en", "first_target"),
        [
            ("We will prioritize 20 sectors. The 6G lab will be built faster. Work on the project will go on.",
             "We will prioritize 20 sectors."),
            ("We will prioritize sectors. There are 20 of them in all. The 6G lab will be built faster.",
             "We will prioritize sectors. There are 20 of them in all."),
        ],
    )
    def test_numbers_and_latin_tokens_anchor_the_alignment(self, en, first_target):
        # Lengths alone cannot tell whether the middle English sentence goes up or down; 20 and 6G can.
        zh = "重点培育20个未来产业。加快6G实验室建设项目。"
        pairs = align_sentences(zh, en)
        assert en[pairs[0].target.start: pairs[0].target.end] == first_target
        assert min(pair.confidence for pair in pairs) > 0.75
        without_anchors = align_sentences(
            zh, "We will prioritize sectors. There are many of them. The lab will be built faster.")
        assert min(pair.confidence for pair in without_anchors) < 0.6

    def test_empty_target(self):
        pairs = align_sentences("甲。乙。", "")
        assert [p.target for p in pairs] == [pairs[0].target] * len(pairs)
        assert all(p.target.start == p.target.end for p in pairs)


class TestAlignCorpus:
    def test_segment_pairs_pass_through(self):
        pair = SegmentPair("甲。乙。", "A. B.", Location("t.tmx", 3), Location("t.tmx", 4))
        assert align_corpus([pair]) == [pair]

    def test_paragraph_is_split_with_locations(self):
        zh = "推动科技创新。建设2个智算集群;支持5G网络建设。"
        en = ("We will promote innovation in science and technology. Two intelligent computing clusters will "
              "be built. We will support the construction of 5G networks.")
        pieces = align_corpus([paragraph(zh, en)])
        assert [piece.source for piece in pieces] == ["推动科技创新。", "建设2个智算集群;", "支持5G网络建设。"]
        assert all(piece.granularity is Granularity.SEGMENT for piece in pieces)
        assert pieces[1].source_location == Location("p.txt", 7, 8)  # column = offset + 1
        assert pieces[1].target_location == Location("p.txt", 8, en.index("Two") + 1)

    def test_low_confidence_keeps_the_paragraph_whole(self):
        zh = "甲乙丙丁戊己。庚辛壬癸子丑。"
        en = "It is short. And this one is a considerably longer sentence with many more words in it than the other."
        (piece,) = align_corpus([paragraph(zh, en)])
        assert (piece.source, piece.target) == (zh, en)
        assert piece.granularity is Granularity.SEGMENT
        assert piece.source_location == Location("p.txt", 7, 1)

    def test_threshold_zero_splits_at_every_boundary(self):
        zh = "甲乙丙丁戊己。庚辛壬癸子丑。"
        en = "It is short. And this one is a considerably longer sentence with many more words in it than the other."
        assert len(align_corpus([paragraph(zh, en)], threshold=0.0)) == 2

    def test_single_sentences_become_segments(self):
        (piece,) = align_corpus([paragraph("加快发展。", "Speed up development. We will do it now.")])
        assert piece.target == "Speed up development. We will do it now."
        assert piece.granularity is Granularity.SEGMENT

    def test_untranslated_sentence_joins_a_neighbour(self):
        zh = "推动科技创新。这一句没有翻译出来,而且相当长,长到不可能是任何英文句子的译文。完善数据市场。"
        en = "We will promote innovation in science and technology. We will improve the data market."
        pieces = align_corpus([paragraph(zh, en)])
        assert all(piece.source and piece.target for piece in pieces)
        assert "".join(piece.source for piece in pieces) == zh

    def test_wrapped_paragraph_gets_line_and_column_of_each_sentence(self, tmp_path):
        path = tmp_path / "wrapped.txt"
        path.write_text("推动科技创新。建设2个\n智算集群;支持5G网络建设。\n"
                        "We will promote innovation in science and technology. Two\n"
                        "intelligent computing clusters will be built. We will support\n"
                        "the construction of 5G networks.\n", encoding="utf-8")
        pieces = align_corpus(read_corpus([path]).pairs)
        assert [(piece.source, piece.target) for piece in pieces] == [
            ("推动科技创新。", "We will promote innovation in science and technology."),
            ("建设2个智算集群;", "Two intelligent computing clusters will be built."),
            ("支持5G网络建设。", "We will support the construction of 5G networks."),
        ]
        assert [str(piece.source_location) for piece in pieces] == [f"{path}:1:1", f"{path}:1:8", f"{path}:2:6"]
        assert [str(piece.target_location) for piece in pieces] == [f"{path}:3:1", f"{path}:3:55", f"{path}:4:47"]

    def test_seed_example(self):
        pieces = align_corpus(read_corpus([SEED]).pairs)
        assert len(pieces) > 10
        assert all(piece.granularity is Granularity.SEGMENT for piece in pieces)
        by_source = {piece.source: piece.target for piece in pieces}
        assert by_source["提升優勢產業發展能級。"] == "Scale up the capacity of industries where we excel."
        assert by_source["支持受制裁企業應對外部打壓。"] == (
            "We will support companies under sanctions to counter external suppression."
        )
        # The 4 title lines stay line-by-line pairs.
        assert pieces[0].source == "政 府 工 作 報 告"


def test_first_divergence_finds_the_missing_line():
    zh = ["人工智能产业发展。", "加快创建数据要素市场化配置改革综合试验区,打造国家数据管理中心。", "2025年的任务。",
          "新质生产力。"]
    en = ["The development of the AI industry.", "The tasks for 2025.", "New quality productive forces."]
    assert first_divergence(zh, en) == 1
    # Pairing one to one all the way: the divergence is past the end.
    both_translated = [en[0], "We will build a pilot zone for data reform and a national data management centre."]
    assert first_divergence(zh[:2], both_translated) == 2


def test_first_divergence_in_long_files_uses_a_band():
    zh = [f"第{index}项任务已经完成。" for index in range(600)]
    en = [f"Task {index} has been completed." for index in range(600)]
    del en[345]
    assert first_divergence(zh, en) == 345


def test_long_paragraph_is_aligned_within_a_band():
    zh = "".join(f"第{index}项任务已经完成。" for index in range(250))
    en = " ".join(f"Task {index} has been completed." for index in range(250))
    pieces = align_corpus([paragraph(zh, en)])
    assert len(pieces) == 250
    assert pieces[123].source == "第123项任务已经完成。" and pieces[123].target == "Task 123 has been completed."
