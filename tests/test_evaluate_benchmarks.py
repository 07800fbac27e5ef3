"""The dev-set checker and the corpus benchmark script, on small TMX files made here."""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def load(relative: str):
    path = REPO / relative
    name = f"benchmark_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


verify_devset = load("benchmarks/dev/verify_devset.py")
eval_corpus = load("benchmarks/eval_corpus.py")


def write_tmx(path: Path, units: list[tuple[str, str]]) -> Path:
    body = "\n".join(
        f'<tu><tuv xml:lang="zh-CN"><seg>{zh}</seg></tuv><tuv xml:lang="en-US"><seg>{en}</seg></tuv></tu>'
        for zh, en in units
    )
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header/><body>\n{body}\n'
                    "</body></tmx>\n", encoding="utf-8")
    return path


UNITS = [
    ("我们要推进供给侧结构性改革。", "We will advance supply-side structural reform."),
    ("积极稳妥处置“僵尸企业”。", "We will address the issue of \"zombie enterprises\" proactively."),
    ("发展分享经济。", "We will develop the economy."),
]
HEADER = "zh\ten\tkind\tfile\tnote\n"


def corpus_directory(directory: Path, name: str, units: list[tuple[str, str]]) -> Path:
    """A directory holding one TMX file of `units`, named like a corpus report."""
    directory.mkdir()
    write_tmx(directory / name, units)
    return directory


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return corpus_directory(tmp_path / "corpus", "GR2099.tmx", UNITS)


def run_verify(tmp_path: Path, corpus: Path, rows: str) -> int:
    devset = tmp_path / "dev.tsv"
    devset.write_text(HEADER + rows, encoding="utf-8")
    return verify_devset.main(["--corpus", str(corpus), "--devset", str(devset)])


def test_verify_accepts_rows_found_on_both_sides(tmp_path: Path, corpus: Path, capsys) -> None:
    rows = ("供给侧结构性改革\tSupply-Side  Structural Reform\tdirect\tGR2099.tmx\tcase and spaces ignored\n"
            "僵尸企业\tdead firms | zombie enterprises\tdirect\tGR2099.tmx\t\n")
    assert run_verify(tmp_path, corpus, rows) == 0
    assert "2 rows (direct 2, free 0)" in capsys.readouterr().out


def test_verify_reports_each_kind_of_bad_row(tmp_path: Path, corpus: Path, capsys) -> None:
    rows = (
        "供给侧结构性改革\tsupply-side structural reform\tdirect\tGR2099.tmx\t\n"
        "新常态\tnew normal\tdirect\tGR2099.tmx\tzh not in the file\n"
        "分享经济\tsharing economy\tdirect\tGR2099.tmx\ten not in the unit\n"
        "僵尸企业\tsupply-side structural reform\tdirect\tGR2099.tmx\ten in another unit only\n"
        "供给侧结构性改革\tsupply-side structural reform\tdirect\tGR2099.tmx\tduplicate\n"
        "供给侧\tsupply-side\tliteral\tGR2099.tmx\tbad kind\n"
    )
    assert run_verify(tmp_path, corpus, rows) == 1
    out = capsys.readouterr().out
    assert "line 3: 新常态 does not occur in the Chinese of GR2099.tmx" in out
    assert "line 4: none of 'sharing economy'" in out
    assert "line 5: none of 'supply-side structural reform'" in out
    assert ":6: 供给侧结构性改革 is already listed for GR2099.tmx on line 2" in out
    assert ":7: kind 'literal'" in out


def test_verify_missing_corpus_file(tmp_path: Path, corpus: Path) -> None:
    assert run_verify(tmp_path, corpus, "新常态\tnew normal\tdirect\tGR1999.tmx\t\n") == 2


FAKE_TERMSIEVE = '''
import sys
args = sys.argv[1:]
assert args[0] == "extract", args
output = args[args.index("-o") + 1]
header = "source\\tsource_simplified\\ttarget\\tscore\\talternatives\\tfrequency\\tlocation\\n"
if "--terms" in args:
    terms = open(args[args.index("--terms") + 1], encoding="utf-8").read().split()
    known = {"供给侧结构性改革": "supply side structural reforms", "僵尸企业": "zombie"}
    rows = [f"{t}\\t{t}\\t{known.get(t, '')}\\t0.5\\t{'zombie enterprises' if t == '僵尸企业' else ''}\\t1\\tx:1\\n"
            for t in terms]
else:
    if "GR2098" in args[1]:
        sys.exit("Error: cannot read this one")
    rows = ["供给侧结构性改革\\t供给侧结构性改革\\tstructural reform\\t0.9\\t\\t3\\tx:1\\n"]
open(output, "w", encoding="utf-8").write(header + "".join(rows))
'''


@pytest.fixture
def fake_termsieve(tmp_path: Path, monkeypatch) -> Path:
    script = tmp_path / "fake_termsieve.py"
    script.write_text(FAKE_TERMSIEVE, encoding="utf-8")
    monkeypatch.setattr(eval_corpus, "termsieve_command", lambda: [sys.executable, str(script)])
    return script


def devset(tmp_path: Path) -> Path:
    path = tmp_path / "dev.tsv"
    path.write_text(HEADER
                    + "供给侧结构性改革\tsupply-side structural reform\tdirect\tGR2099.tmx\t\n"
                    + "僵尸企业\tzombie enterprises\tdirect\tGR2099.tmx\t\n"
                    + "分享经济\tsharing economy\tfree\tGR2099.tmx\t\n"
                    + "新常态\tnew normal\tdirect\tGR2098.tmx\t\n", encoding="utf-8")
    return path


def test_eval_corpus_scores_both_modes(tmp_path: Path, corpus: Path, fake_termsieve: Path, capsys) -> None:
    status = eval_corpus.main([str(corpus / "GR2099.tmx"), "--devset", str(devset(tmp_path)), "--json"])
    assert status == 0
    result = json.loads(capsys.readouterr().out)
    free, terms = result["overall"]["free"]["overall"], result["overall"]["terms"]["overall"]
    assert (free["total"], free["found"], free["top1"], free["top3"]) == (3, 1, 0, 0)
    assert (terms["total"], terms["found"], terms["top1"], terms["top3"]) == (3, 3, 1, 2)
    assert result["overall"]["terms"]["by_kind"]["free"]["found"] == 1


def test_eval_corpus_table_and_failed_run(tmp_path: Path, corpus: Path, fake_termsieve: Path, capsys) -> None:
    failing = write_tmx(corpus / "GR2098.tmx", UNITS)
    status = eval_corpus.main([str(corpus / "GR2099.tmx"), str(failing), "--devset", str(devset(tmp_path)),
                               "--mode", "free"])
    assert status == 1
    out = capsys.readouterr().out
    assert "GR2099.tmx   free      3      1  1/3 = 33.3%" in out
    assert "GR2098.tmx   free   FAILED (exit 1: Error: cannot read this one)" in out
    assert "=== overall, free (1 files) ===" in out


@pytest.mark.slow
@pytest.mark.skipif(not (CORPUS / "GR2016.tmx").is_file(), reason="needs the TMX corpus next to the repository")
def test_dev_set_rows_check_out_in_the_corpus(capsys) -> None:
    assert verify_devset.main(["--corpus", str(CORPUS)]) == 0
    assert "0 problem(s)" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.skipif(not (CORPUS / "GR2016.tmx").is_file(), reason="needs the TMX corpus next to the repository")
def test_eval_corpus_end_to_end_aligns_every_dev_term(capsys) -> None:
    """Through the real `termsieve extract --terms`: every dev term of the file comes back."""
    assert eval_corpus.main([str(CORPUS / "GR2016.tmx"), "--mode", "terms", "--json"]) == 0
    overall = json.loads(capsys.readouterr().out)["overall"]["terms"]["overall"]
    assert overall["total"] == overall["found"] >= 25
    assert 0 < overall["top1"] <= overall["top3"] <= overall["total"]


PARAGRAPH_UNITS = [
    ("一、工作回顾", "I. Review of Our Work"),
    ("过去一年，", "The past year was not easy."),
    ("我们推进供给侧结构性改革。", "We advanced supply-side structural reform."),
    ("积极稳妥处置“僵尸企业”。", "We addressed the issue of \"zombie enterprises\"."),
    ("发展分享经济。", "We developed the sharing economy."),
    ("二、今年的任务", "II. This Year's Tasks"),
    ("扩大有效投资。", "We will expand effective investment."),
]


def test_paragraphs_rejoin_units_as_interleaved_text(tmp_path: Path) -> None:
    tmx = write_tmx(tmp_path / "GR2097.tmx", PARAGRAPH_UNITS)
    path = eval_corpus.paragraphs_file(tmx, (2, 2), 1, tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines == [
        # A heading stays alone; a paragraph never ends after a clause ending in a comma.
        "一、工作回顾", "I. Review of Our Work",
        "过去一年，我们推进供给侧结构性改革。",
        "The past year was not easy. We advanced supply-side structural reform.",
        "积极稳妥处置“僵尸企业”。发展分享经济。",
        "We addressed the issue of \"zombie enterprises\". We developed the sharing economy.",
        "二、今年的任务", "II. This Year's Tasks",
        "扩大有效投资。", "We will expand effective investment.",
    ]
    # termsieve reads it back as the same text, paragraph by paragraph.
    from termsieve import api

    pairs = api.read([path]).pairs
    assert [pair.source for pair in pairs] == lines[0::2]
    assert [pair.target for pair in pairs] == lines[1::2]


def test_paragraph_sizes_are_checked() -> None:
    assert eval_corpus._sizes("5-15") == (5, 15)
    assert eval_corpus._sizes("4") == (4, 4)
    for bad in ("x-3", "0-2", "6-5"):
        with pytest.raises(Exception, match="MIN"):
            eval_corpus._sizes(bad)


def test_eval_corpus_paragraphs_runs_extract_on_the_rejoined_text(tmp_path: Path, corpus: Path,
                                                                   fake_termsieve: Path, capsys) -> None:
    keep = tmp_path / "kept"
    status = eval_corpus.main([str(corpus / "GR2099.tmx"), "--devset", str(devset(tmp_path)), "--mode", "terms",
                               "--paragraphs", "2-3", "--keep", str(keep), "--json"])
    assert status == 0
    assert (keep / "GR2099.paragraphs.txt").read_text(encoding="utf-8").startswith("我们要推进供给侧结构性改革。")
    assert json.loads(capsys.readouterr().out)["overall"]["terms"]["overall"]["total"] == 3


def test_eval_corpus_traditional_writes_the_chinese_and_the_terms_in_traditional(
        tmp_path: Path, corpus: Path, fake_termsieve: Path, capsys) -> None:
    keep = tmp_path / "kept"
    status = eval_corpus.main([str(corpus / "GR2099.tmx"), "--devset", str(devset(tmp_path)), "--mode", "terms",
                               "--paragraphs", "2-3", "--traditional", "--keep", str(keep), "--json"])
    assert status == 0
    assert (keep / "GR2099.paragraphs.txt").read_text(encoding="utf-8").startswith("我們要推進供給側結構性改革。")
    assert "結構性改革" in (keep / "GR2099.paragraphs.terms.txt").read_text(encoding="utf-8")
    assert json.loads(capsys.readouterr().out)["overall"]["terms"]["overall"]["total"] == 3


def test_eval_corpus_traditional_needs_paragraphs(tmp_path: Path, corpus: Path) -> None:
    with pytest.raises(SystemExit):
        eval_corpus.main([str(corpus / "GR2099.tmx"), "--devset", str(devset(tmp_path)), "--traditional"])


align_words = load("benchmarks/align_words.py")

# Each noun and verb recurs with others, so that the alignment learns them; 城镇 is "urban" throughout.
_ALIGN_NOUNS = [("就业", "employment"), ("人口", "population"), ("收入", "income"), ("住房", "housing")]
_ALIGN_VERBS = [("增加", "increased"), ("减少", "decreased"), ("提高", "improved")]
ALIGN_UNITS = [(f"城镇{noun}{verb}。", f"Urban {noun_en} {verb_en}.")
               for (noun, noun_en), (verb, verb_en) in itertools.product(_ALIGN_NOUNS, _ALIGN_VERBS)]


def write_links(tmp_path: Path, corpus: Path, links: list[tuple[int, str, str | None]]) -> Path:
    """Links of (unit index, English word, Chinese it renders or None), as offsets into the TMX's units."""
    from termsieve import read

    pairs = read([str(corpus / "GR2098.tmx")]).pairs
    rows = ["file\tline\ten_start\ten_end\tzh"]
    for unit, word, chinese in links:
        pair = pairs[unit]
        start = pair.target.index(word)
        zh = "-" if chinese is None else f"{pair.source.index(chinese)}-{pair.source.index(chinese) + len(chinese)}"
        rows.append(f"GR2098.tmx\t{pair.source_location.line}\t{start}\t{start + len(word)}\t{zh}")
    path = tmp_path / "links.tsv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def align_corpus(tmp_path: Path) -> Path:
    return corpus_directory(tmp_path / "align-corpus", "GR2098.tmx", ALIGN_UNITS)


def test_align_words_scores_links_by_the_alignment(tmp_path: Path, align_corpus: Path, capsys) -> None:
    links = write_links(tmp_path, align_corpus, [(0, "Urban", "城镇"), (0, "employment", "就业"),
                                                 (3, "increased", "增加"), (3, "population", None)])
    assert align_words.main(["--links", str(links), "--corpus", str(align_corpus), "--misses", "5"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"all, rendering +3 +right mass +[\d.]+% +best right 3/3 = 100.0%", out)
    # "population" does render 人口: a link saying it renders nothing is a miss, and the list names it.
    assert re.search(r"all, added +1 +right mass +0.0% +best right 0/1 = 0.0%", out)
    assert "population -> (nothing)" in out and "人口" in out


def test_align_words_counts_a_wrong_link_as_wrong(tmp_path: Path, align_corpus: Path, capsys) -> None:
    links = write_links(tmp_path, align_corpus, [(0, "employment", "增加")])
    assert align_words.main(["--links", str(links), "--corpus", str(align_corpus)]) == 0
    assert "best right 0/1 = 0.0%" in capsys.readouterr().out


def test_align_words_reports_links_that_no_longer_fit(tmp_path: Path, align_corpus: Path, capsys) -> None:
    links = write_links(tmp_path, align_corpus, [(0, "employment", "就业")])
    text = links.read_text(encoding="utf-8").replace("\t6\t16\t", "\t7\t16\t")
    links.write_text(text, encoding="utf-8")
    assert align_words.main(["--links", str(links), "--corpus", str(align_corpus)]) == 1
    assert "are not an English content word" in capsys.readouterr().err


def test_align_words_needs_the_corpus(tmp_path: Path, align_corpus: Path, capsys) -> None:
    links = write_links(tmp_path, align_corpus, [(0, "employment", "就业")])
    assert align_words.main(["--links", str(links), "--corpus", str(tmp_path / "nowhere")]) == 2
    assert "GR2098.tmx not found" in capsys.readouterr().err
    assert align_words.main(["--links", str(tmp_path / "none.tsv"), "--corpus", str(align_corpus)]) == 2


@pytest.mark.skipif(not (CORPUS / "GR2016.tmx").is_file(), reason="needs the TMX corpus next to the repository")
def test_shipped_word_links_fit_the_corpus(capsys) -> None:
    assert align_words.main([]) == 0
    assert re.search(r"all words +\d{4} ", capsys.readouterr().out)


def test_ab_matching_copies_version_b_under_its_own_name(tmp_path: Path) -> None:
    ab_matching = load("benchmarks/ab_matching.py")
    ab_matching._copy_package(tmp_path, "termsieve_b", "# version B\n")
    copy = tmp_path / "termsieve_b"
    assert (copy / "matching.py").read_text(encoding="utf-8") == "# version B\n"
    readers = (copy / "readers" / "__init__.py").read_text(encoding="utf-8")
    assert '"termsieve_b.readers.' in readers and '"termsieve.readers.' not in readers
    assert '"termsieve.toml"' in (copy / "config.py").read_text(encoding="utf-8")  # a file name, not a module
    assert not list(copy.rglob("*.so")) and not list(copy.rglob("__pycache__"))
