"""Unit tests of the extraction stages: Chinese normalization, dictionary, English, candidates, matching."""

from __future__ import annotations

import pytest

from termsieve import candidates, dictionary
from termsieve.chinese import get_segmenter, to_simplified
from termsieve.cjk import has_cjk
from termsieve.english import gloss_variants, proper_name_variants, tokenize
from termsieve.matching import Matcher, TermOccurrence, make_unit


def test_to_simplified_keeps_length_and_converts():
    traditional = "萬億級產業集群、鏈主企業與育新基地"
    simplified = to_simplified(traditional)
    assert simplified == "万亿级产业集群、链主企业与育新基地"
    assert len(simplified) == len(traditional)


def test_has_cjk():
    assert has_cjk("5G網絡")
    assert not has_cjk("5G networks, AI Plus")


def test_jieba_tokens_cover_the_text_with_offsets():
    text = "推动科技创新和产业创新融合发展"
    tokens = get_segmenter("jieba").tokens(text)
    assert "".join(token.text for token in tokens) == text
    for token in tokens:
        assert text[token.start:token.end] == token.text
    tags = {token.text: token.tag for token in tokens}
    assert tags["和"] == "c"


def test_user_words_join_the_segmenter_dictionary():
    text = "发挥链主企业关键作用"
    plain = get_segmenter("jieba").words(text)
    assert "链主企业" not in plain
    assert "链主企业" in get_segmenter("jieba", ["链主企业"]).words(text)


def test_prefix_dictionary_is_filled_with_the_entries_a_text_can_meet():
    from termsieve.chinese import _prefix_buckets, _PrefixFiller

    whole = {"链": 5, "链主": 0, "链主企": 0, "链主企业": 3, "主": 9, "企": 4, "企业": 7, "业": 2}
    total, singles, buckets = _prefix_buckets(whole, 30)
    assert total == 30 and singles == {"链": 5, "主": 9, "企": 4, "业": 2}
    filler = _PrefixFiller(singles, buckets)
    filler.cover("企业")
    assert singles == {"链": 5, "主": 9, "企": 4, "业": 2, "企业": 7}
    filler.cover("发挥链主企业作用")
    assert singles == whole


def test_jieba_cuts_with_the_filled_dictionary_as_with_the_whole_one():
    import jieba

    from termsieve.chinese import _JiebaBackend

    text = "发挥链主企业关键作用，推动科技创新和产业创新融合发展，建设全国统一大市场"
    for user_words in ([], ["链主企业", "统一大市场"]):
        backend = _JiebaBackend(user_words)
        whole = jieba.Tokenizer()
        whole.FREQ, whole.total = whole.gen_pfdict(whole.get_dict_file())
        whole.initialized = True
        for word in user_words:
            whole.add_word(word)
        assert backend.words(text) == list(whole.cut(text))
        assert backend._tokenizer.total == whole.total


def test_dictionary_keeps_every_reading():
    # 行 is read xíng (to walk; OK) and háng (row; firm): both readings' glosses are kept.
    glosses = dictionary.lookup("行")
    assert any("walk" in gloss for gloss in glosses)
    assert any("row" in gloss for gloss in glosses)
    assert dictionary.edition().startswith("20")
    assert "CC BY-SA 4.0" in dictionary.CREDIT


def test_gloss_variants_split_parts_and_keep_abbreviations():
    variants = gloss_variants("artificial intelligence (AI)")
    assert ("artifici", "intellig") in variants
    assert ("ai",) in variants
    assert ("beij",) in gloss_variants("Beijing, capital of the People's Republic of China")


def test_proper_name_glosses_keep_the_name_with_and_without_its_lowercase_tail():
    # "Qinghai-Tibet railway" names a railway; "Shanghai municipality" describes a city: both readings stand.
    assert proper_name_variants("Qinghai-Tibet railway") == (("qinghai", "tibet", "railway"), ("qinghai", "tibet"))
    assert ("shanghai",) in proper_name_variants("Shanghai municipality, central east China")
    assert proper_name_variants("Yangtze River") == (("yangtz", "river"),)


def test_a_proper_name_gloss_with_a_lowercase_tail_renders_the_whole_name():
    sentence = "The Qinghai-Tibet Railway was opened to traffic a year ahead of time."
    matcher = Matcher([make_unit("青藏铁路", sentence, tokenize(sentence))], dictionary.lookup)
    occurrence = TermOccurrence(0, 0, 4)
    match = matcher.choose([occurrence], [matcher.occurrence_spans(("青藏铁路",), "青藏铁路", occurrence)])
    assert match.best.target == "Qinghai-Tibet Railway"


def test_gloss_parts_of_one_shape_are_one_phrase():
    # "one country, two systems": a slogan in two parallel halves, not two alternative renderings.
    assert gloss_variants("one country, two systems (PRC proposal)") == (("one", "countri", "two", "system"),)
    assert gloss_variants("Beijing, capital of China") == (("beij",), ("capit", "china"))


def test_english_tokens_split_hyphenated_compounds_but_remember_them():
    words = tokenize("high-end, precision, and cutting-edge industries")
    texts = [word.text for word in words]
    assert texts[:3] == ["high", "end", ","]
    assert words[1].joined_to_previous and not words[0].joined_to_previous
    assert [word.stem for word in words if word.text == "industries"] == ["industri"]
    assert not next(word for word in words if word.text == "and").is_content


@pytest.mark.parametrize("hyphen", ["\u2010", "\u2011"])
def test_typographic_hyphens_join_compounds_like_the_ascii_one(hyphen):
    words = tokenize(f"sub{hyphen}prime mortgage crisis")
    assert [word.text for word in words] == ["sub", "prime", "mortgage", "crisis"]
    assert words[1].joined_to_previous and not words[2].joined_to_previous


def _units(chinese_lines):
    segmenter = get_segmenter("jieba")
    return [(line, segmenter.tokens(line)) for line in chinese_lines]


def _candidate_map(chinese_lines):
    units = _units(chinese_lines)
    return {c.simplified: c for c in candidates.score(candidates.collect(units), lambda word: False)}


def test_candidates_never_start_or_end_with_function_words():
    found = _candidate_map(["完善新一代信息技术、人工智能等产业支持政策的实施"])
    assert "新一代信息技术" in found
    assert "人工智能" in found
    for surface in found:
        assert not surface.startswith(("等", "的", "和")) and not surface.endswith(("等", "的", "和"))
    assert not any("等" in surface or "的" in surface for surface in found)


def test_enumeration_and_quotation_cues_raise_termhood():
    found = _candidate_map(["实施“人工智能+”行动计划", "重点培育人形机器人、商业航天、生物制造等20个未来产业"])
    assert found["人工智能+"].signals["cue"] == 1.0
    assert found["商业航天"].signals["cue"] == 1.0
    assert found["未来产业"].signals["cue"] == 1.0  # numeral + counting classifier in front


def test_parallel_slogans_are_candidates_whole_without_the_verb_that_governs_them():
    found = _candidate_map(["坚持百花齐放、百家争鸣的方针", "全面推进科学决策、民主决策、依法决策。",
                            "按照分类管理、区别对待、逐步化解的原则"])
    for slogan in ("百花齐放、百家争鸣", "科学决策、民主决策、依法决策", "分类管理、区别对待、逐步化解"):
        assert slogan in found
        assert found[slogan].signals["cue"] == 1.0
    assert not any(surface.startswith(("坚持", "推进", "按照")) and "、" in surface for surface in found)


def test_quoted_names_are_candidates_whatever_their_words():
    found = _candidate_map(["把“一带一路”建设作为重点。", "编制“十三五”规划。", "实施《中国制造2025》。",
                            "他说“我们要加快发展，造福人民”。"])
    for name in ("一带一路", "十三五", "中国制造2025"):  # a numeral inside or at the end
        assert name in found
        assert found[name].signals["cue"] == 1.0
        assert found[name].termhood >= 0.5
    assert not any("，" in surface for surface in found)  # a quoted sentence is no name


def test_lists_of_short_words_and_uneven_cuts_are_not_slogans():
    found = _candidate_map(["加强政治、经济、文化交流", "扶持种养大户、农民专业合作社和龙头企业",
                            "修建和道路、停车场", "完善新一代信息技术、人工智能等产业支持政策"])
    assert not any("、" in surface for surface in found)


def test_a_verbal_noun_in_front_is_a_weaker_boundary_than_a_verb_but_stronger_than_a_noun():
    governed = _candidate_map(["发展循环经济"])["循环经济"]  # 发展 is tagged as a verbal noun
    after_noun = _candidate_map(["城市循环经济"])["循环经济"]
    after_verb = _candidate_map(["推进循环经济"])["循环经济"]
    assert after_noun.signals["left_boundary"] < governed.signals["left_boundary"] < after_verb.signals["left_boundary"]
    assert governed.termhood > after_noun.termhood


def test_prefixes_open_terms_but_never_end_them():
    found = _candidate_map(["加强非物质文化遗产保护", "燃煤电厂超低排放改造", "提高非化石能源比重"])
    assert "非物质文化遗产" in found
    assert "非化石能源" in found
    assert not any(surface.endswith(("非", "超低")) for surface in found)


def test_numerals_open_a_term_only_as_a_modifier():
    found = _candidate_map(["打造一批新的万亿级产业集群", "建成2个智算集群", "完善多层次资本市场体系",
                            "推进第四代移动通信商用", "扩大一批出口产品"])
    assert "万亿级产业集群" in found
    assert not any(surface.startswith(("2", "2个", "一批")) for surface in found)
    assert "多层次资本市场" in found  # jieba tags 多层次 and 第四代 as numerals
    assert "第四代移动通信" in found


def test_verb_led_strings_rank_below_the_term_they_govern():
    found = _candidate_map(["打造国家数据管理中心。", "建设国家数据管理中心,完善国家数据管理中心功能。"])
    assert found["国家数据管理中心"].termhood > found["打造国家数据管理中心"].termhood


def _matcher(pairs):
    units = [make_unit(to_simplified(zh), en, tokenize(en)) for zh, en in pairs]
    return Matcher(units, dictionary.lookup), units


def _best(matcher, units, term, components):
    occurrences = [
        TermOccurrence(index, unit.simplified.index(term), unit.simplified.index(term) + len(term))
        for index, unit in enumerate(units) if term in unit.simplified
    ]
    spans = [matcher.occurrence_spans(components, term, occurrence) for occurrence in occurrences]
    return matcher.choose(occurrences, spans)


def test_matching_finds_the_compositional_rendering():
    matcher, units = _matcher([("加快数字化转型", "We will expedite digital transformation.")])
    match = _best(matcher, units, "数字化转型", ("数字化", "转型"))
    assert match.best.target == "digital transformation"
    assert 0.8 <= match.best.score <= 1.0


def test_matching_uses_whole_term_glosses_and_abbreviations():
    matcher, units = _matcher([("推动人工智能发展", "We will promote the development of AI.")])
    match = _best(matcher, units, "人工智能", ("人工智能",))
    assert match.best.target == "AI"


def test_matching_learns_a_rendering_the_dictionary_lacks_from_recurrence():
    # CC-CEDICT glosses 集群 as clan / flock together; the translators wrote "clusters" every time.
    pairs = [
        ("促进产业集群发展", "We will promote the development of industrial clusters."),
        ("打造万亿级产业集群", "We will foster trillion-yuan industrial clusters."),
        ("建成两个智算集群", "We will build two computing clusters."),
        ("支持集群企业", "We will support enterprises in clusters."),
        ("完善产业政策", "We will improve industrial policies."),
    ]
    matcher, units = _matcher(pairs)
    match = _best(matcher, units, "产业集群", ("产业", "集群"))
    assert match.best.target == "industrial clusters"


def test_sentence_initial_capital_is_not_part_of_the_term():
    matcher, units = _matcher([("发展数字经济", "Digital economy is growing.")])
    match = _best(matcher, units, "数字经济", ("数字", "经济"))
    assert match.best.target == "digital economy"


@pytest.mark.parametrize("term", ["数字经济", "产业集群"])
def test_no_english_means_no_target(term):
    matcher, units = _matcher([(f"发展{term}", "Nothing related here at all.")])
    assert _best(matcher, units, term, (term[:2], term[2:])).best is None


def test_pkuseg_backend_or_a_clear_install_hint():
    from termsieve.errors import MissingDependencyError

    try:
        import pkuseg  # noqa: F401
    except ImportError:
        with pytest.raises(MissingDependencyError, match="pip install"):
            get_segmenter("pkuseg")
        return
    text = "推动科技创新和产业创新融合发展"
    tokens = get_segmenter("pkuseg").tokens(text)
    assert "".join(token.text for token in tokens) == text
    assert any(token.tag == "c" for token in tokens if token.text == "和")


def test_recurring_rendering_keeps_the_head_noun_translators_add():
    # 数字经济 is "digital economy" in the dictionary; these translators always write "... sector".
    pairs = [
        ("发展数字经济", "We will develop the digital economy sector."),
        ("数字经济规模扩大", "The digital economy sector grew."),
        ("支持数字经济", "We will support the digital economy sector in every city."),
        ("发展服务业", "We will develop the services sector."),
        ("扩大制造业", "The manufacturing sector grew."),
    ]
    matcher, units = _matcher(pairs)
    match = _best(matcher, units, "数字经济", ("数字", "经济"))
    assert match.best.target == "digital economy sector"
    assert "digital economy" in [alternative.target for alternative in match.alternatives]



def test_proper_noun_glosses_count_when_the_translation_uses_the_name():
    # CC-CEDICT has only proper-noun glosses for 上海 and 世博会; the English uses both names.
    matcher, units = _matcher([("上海世博会即将开幕", "The Shanghai World Expo will open soon.")])
    match = _best(matcher, units, "上海世博会", ("上海", "世博会"))
    assert match.best.target == "Shanghai World Expo"


def test_a_phrase_like_proper_noun_gloss_is_kept_whole():
    # 物联网: "Internet of things (IoT)", capitalized but a phrase, not the name "Internet".
    matcher, units = _matcher([("加快物联网研发应用",
                                "We will accelerate R&D in and application of the Internet of Things.")])
    match = _best(matcher, units, "物联网", ("物", "联网"))
    assert match.best.target == "Internet of Things"


def test_renderings_are_grouped_by_their_content_words():
    # Two wordings of one rendering must not lose to the piece they share.
    matcher, units = _matcher([
        ("深化集体林权制度改革", "We will deepen reform of the system of collective forest rights."),
        ("推进集体林权制度改革", "We continued reforming the system of collective forest rights."),
    ])
    match = _best(matcher, units, "集体林权制度改革", ("集体", "林权", "制度", "改革"))
    assert match.best.target.startswith("reform")
    assert match.best.target.endswith("system of collective forest rights")


def test_a_rendering_does_not_stop_before_its_head_noun():
    matcher, units = _matcher([("淘汰落后产能", "We will eliminate backward production facilities.")])
    match = _best(matcher, units, "淘汰落后产能", ("淘汰", "落后", "产能"))
    assert match.best.target == "eliminate backward production facilities"


def test_a_word_explained_elsewhere_in_the_sentence_is_not_filled_inside_the_span():
    # 改革 is rendered by "reform" before the span; "administrative" inside it is not its rendering.
    matcher, units = _matcher([("推进文化体制改革",
                                "We will deepen reform of the cultural administrative system, "
                                "accelerate reform of the social system.")])
    match = _best(matcher, units, "文化体制改革", ("文化", "体制改革"))
    assert match.best.target == "reform of the cultural administrative system"


def test_a_gloss_hit_in_another_clause_leaves_the_word_before_the_span_free_to_render_a_part():
    # 双引擎 is not in the dictionary: 双 ("pair") + 引擎 ("engine"). "paired" matches 双, but past
    # the colon, where no span over "engines" reaches: "twin" may render 双. In the same clause,
    # "paired" counts as 双's rendering and "twin" is left out.
    def best_by_hand(english):
        units = [make_unit("发展双引擎", english, tokenize(english))]
        return _best(Matcher(units, dictionary.lookup, rerank=False), units, "双引擎", ("双引擎",))

    assert best_by_hand("We will develop twin engines to drive development: innovation, paired with "
                        "more public goods.").best.target == "twin engines"
    assert best_by_hand("We will develop twin engines to drive development, with innovation paired with "
                        "more public goods.").best.target == "engines"


def test_an_english_word_renders_only_the_part_of_the_term_it_renders_best():
    # "collective" is 集体's; through 林's character gloss "a collection" it would also cover 林, so
    # that "forest" added nothing and the whole rendering scored below a part of it.
    matcher, units = _matcher([
        ("完成集体林权制度改革，推进集体土地所有权确权登记",
         "We completed reforming the collective forest tenure system, and registered collective "
         "land ownership rights."),
    ])
    match = _best(matcher, units, "集体林权制度", ("集体", "林权", "制度"))
    assert match.best.target == "collective forest tenure system"


def test_a_verb_before_an_inverted_rendering_is_not_the_rendering_of_the_terms_first_part():
    # 商事 is not in the dictionary. English modifiers come first, so an unexplained word before the
    # span may render a term's first part, but not when the English runs in the other order.
    matcher, units = _matcher([("深化商事制度改革", "We will deepen reform of the business system.")])
    match = _best(matcher, units, "商事制度改革", ("商事", "制度", "改革"))
    assert match.best.target == "reform of the business system"


def test_dictionary_verbs_are_words_its_glosses_mostly_use_as_verbs():
    verbs = dictionary.english_verbs()
    assert {"develop", "ensure", "keep", "promote"} <= verbs
    assert not {"reform", "system", "rural", "needs"} & verbs  # nouns as often as verbs, or never verbs


def test_a_verb_before_the_rendering_is_the_translators_not_the_terms_first_part():
    # 社会 and 规模 have no rendering here; "keep", a verb, is not taken for the first one's.
    matcher, units = _matcher([("保持社会融资规模合理增长",
                                "We will keep financing from all sources at an appropriate level.")])
    match = _best(matcher, units, "社会融资规模", ("社会", "融资", "规模"))
    assert match.best.target == "financing from all sources"
    # Where the term opens with a verb itself, the span rules let a verb render it (补短板: strengthen
    # | ...). On a one-sentence corpus the re-ranker may put the noun phrase first, but keeps the whole.
    matcher, units = _matcher([("加快补短板", "We will move faster to strengthen points of weakness.")])
    by_hand = Matcher(units, dictionary.lookup, rerank=False)
    assert _best(by_hand, units, "补短板", ("补", "短板")).best.target == "strengthen points of weakness"
    match = _best(matcher, units, "补短板", ("补", "短板"))
    assert "strengthen points of weakness" in [match.best.target, *(item.target for item in match.alternatives)]


def test_a_learned_rendering_leaves_out_what_the_dictionary_gives_another_part_of_the_term():
    # 兼并 (annex) always stands next to 重组 (reorganize): co-occurrence alone would teach it both
    # "mergers" and "reorganization", and "reorganization" alone would pass for the whole term.
    matcher, _ = _matcher([
        ("推动企业兼并重组", "We will encourage mergers and reorganization of enterprises."),
        ("支持重点行业兼并重组", "We will support mergers and reorganization in key industries."),
        ("鼓励企业跨地区兼并重组", "We will encourage cross-regional mergers and reorganization."),
    ])
    merge, reorganize = matcher._profile(("兼并", "重组"))
    assert ("merger",) in merge.glosses
    assert not any("reorgan" in gloss for gloss in merge.glosses)
    assert ("reorgan",) in reorganize.glosses


def test_a_loose_rendering_no_dictionary_links_is_found_by_recurrence():
    # 创业板 has no gloss that occurs here; "ChiNext stock market" goes with it in every sentence.
    matcher, units = _matcher([
        ("创业板市场平稳运行", "The ChiNext stock market ran smoothly."),
        ("推出创业板", "We launched the ChiNext stock market."),
        ("继续发展创业板", "We will further develop the ChiNext stock market for innovative firms."),
        ("完善多层次资本市场", "We will improve the multilevel capital market."),
        ("股票市场平稳运行", "The stock market ran smoothly."),
    ])
    match = _best(matcher, units, "创业板", ("创业板",))
    assert match.best.target == "ChiNext stock market"
    assert 0.5 <= match.best.score <= 1.0


def test_a_strong_dictionary_rendering_is_not_displaced_by_recurrence():
    matcher, units = _matcher([
        ("加快数字化转型", "We will expedite digital transformation in every sector."),
        ("推进数字化转型", "We will advance digital transformation in every sector."),
    ])
    match = _best(matcher, units, "数字化转型", ("数字化", "转型"))
    assert match.best.target == "digital transformation"


def test_prefixed_english_words_match_the_gloss_of_their_base():
    from termsieve.english import stem
    from termsieve.matching import _similarity

    assert _similarity(stem("lever"), stem("deleverage")) >= 0.8
    assert _similarity(stem("capacity"), stem("overcapacity")) >= 0.8
    assert _similarity(stem("sign"), stem("design")) == 0.0  # too short a base to trust
    assert _similarity(stem("form"), stem("reform")) == 0.0  # re- is too ambiguous a prefix


def test_spans_with_the_same_words_share_one_key():
    # Every span is kept until terms are linked: equal keys are one tuple, not one per span.
    sentences = ["We will create more employment in urban areas.", "Urban employment rose."]
    matcher = Matcher([make_unit("城镇就业", sentence, tokenize(sentence)) for sentence in sentences],
                      dictionary.lookup)
    spans = [matcher.occurrence_spans(("城镇", "就业"), "城镇就业", TermOccurrence(unit, 0, 4)) for unit in (0, 1)]
    keys = {span.key: span.key for span in spans[0]}
    shared = [span for span in spans[1] if span.key in keys]
    assert shared
    assert all(span.key is keys[span.key] for span in shared)


def test_verb_phrases_jieba_tags_as_names_are_tagged_as_verbs():
    # jieba's dictionary has 大力加强 and 严格执行 as person names; they are an adverb or adjective and a verb.
    tokens = get_segmenter("jieba").tokens("大力加强县城建设，严格执行规定")
    tags = {token.text: token.tag for token in tokens}
    assert tags["大力加强"] == "v" and tags["严格执行"] == "v"


def test_set_phrases_and_user_words_keep_their_name_tags():
    tags = {token.text: token.tag for token in get_segmenter("jieba").tokens("实施科教兴国战略")}
    assert tags["科教兴国"] == "ns"  # a verbal slogan, and a term: not mended
    user = get_segmenter("jieba", ["严格执行"]).tokens("严格执行规定")
    assert {token.text: token.tag for token in user}["严格执行"] == "nz"


def test_an_adverb_and_a_verb_tagged_as_a_name_count_as_a_verb_opening_a_candidate():
    segmenter = get_segmenter("jieba")
    lines = ["大力加强县城和中心镇基础设施建设。", "加快县城发展。"]
    mended = [(line, segmenter.tokens(line)) for line in lines]
    as_jieba_tags = [(line, [token._replace(tag="nr") if token.text == "大力加强" else token for token in tokens])
                     for line, tokens in mended]

    def termhood(units):
        found = candidates.score(candidates.collect(units), lambda word: False)
        return {candidate.simplified: candidate.termhood for candidate in found}["大力加强县城"]

    assert termhood(mended) < termhood(as_jieba_tags)


def test_numbers_with_separators_are_one_english_word():
    words = [word.text for word in tokenize("About 1,000 enterprises cut PM2.5 density by 2.5 percent in 2015.")]
    assert words == ["About", "1,000", "enterprises", "cut", "PM2.5", "density", "by", "2.5", "percent", "in",
                     "2015", "."]


def test_a_count_does_not_open_the_rendering_of_a_term_without_a_numeral():
    # No gloss of 病险 is in the sentence, so the word before "reservoirs" may stand for it, but a count may not.
    matcher, units = _matcher([("完成病险水库除险加固", "We reinforced 183 reservoirs.")])
    assert _best(matcher, units, "病险水库", ("病险", "水库")).best.target == "reservoirs"


def test_a_term_with_a_numeral_keeps_its_number():
    matcher, units = _matcher([("开展千家企业节能行动", "We launched a campaign to save energy in 1,000 enterprises.")])
    match = _best(matcher, units, "千家企业", ("千", "家", "企业"))
    assert match.best.target == "1,000 enterprises"


def test_a_rendering_ending_on_a_verb_keeps_its_particle():
    pairs = [
        (["坚持", "改革", "开放"], "We will continue reform and opening up in all areas."),
        (["深化", "改革", "开放"], "Deepening reform and opening up is the key."),
        (["改革", "开放", "提升", "经济"], "Reform and opening up has lifted the economy."),
    ]
    units = [make_unit("".join(words), english, tokenize(english)) for words, english in pairs]
    matcher = Matcher(units, dictionary.lookup, None)
    occurrences = [TermOccurrence(0, 2, 6), TermOccurrence(1, 2, 6), TermOccurrence(2, 0, 4)]
    match = matcher.choose(occurrences, [matcher.occurrence_spans(("改革", "开放"), "改革开放", occurrence)
                                         for occurrence in occurrences])
    assert match.best is not None and match.best.target == "reform and opening up"
    highlighted = {english[start:end] for (_, english), (start, end) in zip(pairs, match.spans.values())}
    assert highlighted == {"reform and opening up", "Reform and opening up"}


@pytest.mark.parametrize(("sentence", "verb", "expected"), [
    ("We opened up.", "opened", "opened up"),
    ("Old capacity was phased out in steel.", "phased", "phased out"),
    ("Millions were lifted out of poverty.", "lifted", "lifted"),
    ("Firms moved up the value chain.", "moved", "moved"),
    ("Prices went up 2 percent.", "went", "went"),
])
def test_a_particle_that_opens_a_phrase_of_its_own_stays_out(sentence, verb, expected):
    from termsieve.matching import _past_particle

    words = tokenize(sentence)
    verb_index = [word.text for word in words].index(verb)
    last = _past_particle(words, verb_index + 1)
    assert sentence[words[verb_index].start:words[last - 1].end] == expected


def test_a_rendering_opening_after_per_keeps_it():
    pairs = [
        (["农村", "居民", "人均", "收入"], "The per capita income of rural residents rose 9%."),
        (["人均", "收入"], "Per capita income grew steadily."),
    ]
    units = [make_unit("".join(words), english, tokenize(english)) for words, english in pairs]
    matcher = Matcher(units, dictionary.lookup, None)
    occurrences = [TermOccurrence(0, 4, 8), TermOccurrence(1, 0, 4)]
    match = matcher.choose(occurrences, [matcher.occurrence_spans(("人均", "收入"), "人均收入", occurrence)
                                         for occurrence in occurrences])
    assert match.best is not None and match.best.target == "per capita income"
