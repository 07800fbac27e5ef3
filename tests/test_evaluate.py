"""termsieve eval: English matching rules, gold and prediction readers, scoring, and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from termsieve.cli import cli
from termsieve.errors import InputError
from termsieve.evaluate import (
    GoldTerm,
    Prediction,
    evaluate,
    format_report,
    gold_for_file,
    read_gold,
    read_predictions,
    targets_match,
)

REPO = Path(__file__).resolve().parent.parent

# --- English matching, one rule at a time ---------------------------------------------------------


@pytest.mark.parametrize(
    ("predicted", "gold"),
    [
        ("Supply-Side Structural Reform", "supply-side structural reform"),  # case
        ('"Internet Plus"', "Internet Plus"),  # straight quotes around the whole text
        ("“Internet Plus”", "Internet Plus"),  # curly quotes
        ("'new normal'", "new normal"),
        ("people’s congress", "people's congress"),  # curly apostrophe inside
        ("the Belt and Road Initiative", "Belt and Road Initiative"),  # leading article
        ("a new normal", "new normal"),
        ("an innovative country", "innovative country"),
        ("cutting-edge industries", "cutting edge industries"),  # hyphen vs space
        ("high–end industries", "high end industries"),  # en dash
        ("industrial clusters", "industrial cluster"),  # plural -s on the last word
        ("rights of workers", "right of worker"),  # ... and on every word
        ("taxes", "tax"),  # -es
        ("service industries", "service industry"),  # -ies / -y
        ("  new   normal. ", "new normal"),  # surrounding space, inner runs, trailing full stop
    ],
)
def test_targets_match_ignores(predicted: str, gold: str) -> None:
    assert targets_match(predicted, gold)
    assert targets_match(gold, predicted)  # the rules are symmetric


@pytest.mark.parametrize(
    ("predicted", "gold"),
    [
        ("structural reform", "supply-side structural reform"),  # a part is not the whole
        ("reforming", "reform"),  # only number is ignored, not other endings
        ("new norm", "new normal"),
        ("Belt and the Road", "Belt and Road"),  # an article inside still counts
        ("", "new normal"),
        ("clusters industrial", "industrial clusters"),  # word order matters
    ],
)
def test_targets_match_keeps_apart(predicted: str, gold: str) -> None:
    assert not targets_match(predicted, gold)


# --- reading gold lists ---------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


GOLD_TSV = (
    "zh\ten\tkind\tfile\tnote\n"
    "# comment lines and blank lines are skipped\n"
    "\n"
    "新質生產力\tnew quality productive forces\tdirect\tA.tmx\tTraditional on purpose\n"
    "人工智能\tartificial intelligence | AI\tdirect\tA.tmx\t\n"
    "数字化转型\tdigital transformation\tdirect\tB.tmx\t\n"
    "优势产业\tindustries where we excel\tfree\tB.tmx\t\n"
)


def test_read_gold_converts_to_simplified_and_splits_renderings(tmp_path: Path) -> None:
    gold = read_gold(write(tmp_path / "gold.tsv", GOLD_TSV))
    assert [term.simplified for term in gold] == ["新质生产力", "人工智能", "数字化转型", "优势产业"]
    assert gold[0].zh == "新質生產力"
    assert gold[1].renderings == ("artificial intelligence", "AI")
    assert [term.kind for term in gold] == ["direct", "direct", "direct", "free"]
    assert gold[0].line == 4
    assert [term.zh for term in gold_for_file(gold, "corpus/B.tmx")] == ["数字化转型", "优势产业"]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("zh\ten\n新常态\tnew normal\n", "lacks column(s) kind", 1),
        ("zh\ten\tkind\n新常态\tnew normal\tliteral\n", "bad kind 'literal'", 2),
        ("zh\ten\tkind\n新常态\tnew normal\tdirect\n僵尸企业\t\tdirect\n", "no English rendering", 3),
        ("zh\ten\tkind\n\tnew normal\tdirect\n", "empty zh", 2),
        ("zh\ten\tkind\n新常态\tnew normal\tdirect\tstray\n", "stray tab", 2),
    ],
)
def test_read_gold_errors_name_file_and_line(tmp_path: Path, text: str, message: str, line: int) -> None:
    path = write(tmp_path / "gold.tsv", text)
    with pytest.raises(InputError) as raised:
        read_gold(path)
    assert message in str(raised.value)
    assert str(raised.value).startswith(f"{path}:{line}: ")


def test_read_gold_rejects_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gold.tsv"
    path.write_bytes("zh\ten\tkind\n新常态\tnew normal\tdirect\n".encode("gb18030"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_gold(path)


def test_example_gold_and_dev_set_are_valid_gold_lists() -> None:
    example = read_gold(REPO / "examples" / "beijing-2025-gold.tsv")
    assert len(example) == 48
    dev = read_gold(REPO / "benchmarks" / "dev" / "gr-terms.tsv")
    assert len(dev) >= 200
    files = {term.file for term in dev}
    assert files == {f"GR{year}.tmx" for year in range(2008, 2017)}
    assert all(len(gold_for_file(dev, name)) >= 20 for name in files)


# --- reading predictions --------------------------------------------------------------------------

HEADER = "source\tsource_simplified\ttarget\tscore\talternatives\tfrequency\tlocation\n"


def test_read_predictions_tsv(tmp_path: Path) -> None:
    path = write(tmp_path / "out.tsv", HEADER
                 + "人工智能\t人工智能\tAI\t0.8\tartificial intelligence | robots\t4\ta.txt:3\n"
                 "僵尸企业\t僵尸企业\tzombie\\tenterprises\t0.5\t\t1\ta.txt:9\n")
    predictions = read_predictions(path)
    assert predictions[0] == Prediction("人工智能", "人工智能", "AI", ("artificial intelligence", "robots"), 0.8, 4,
                                        "a.txt:3")
    assert predictions[1].target == "zombie\tenterprises"  # the writers' \t escape is undone
    assert predictions[1].alternatives == ()


def test_read_predictions_csv_with_quoted_fields(tmp_path: Path) -> None:
    path = write(tmp_path / "out.csv", "source,source_simplified,target,score,alternatives,frequency,location\n"
                 '高精尖產業,高精尖产业,"high-end, precision, and cutting-edge industries",0.7,'
                 '"high-end | top",2,x:1\n')
    (prediction,) = read_predictions(path)
    assert prediction.target == "high-end, precision, and cutting-edge industries"
    assert prediction.alternatives == ("high-end", "top")
    assert prediction.source_simplified == "高精尖产业"


def test_read_predictions_json_strings_or_objects(tmp_path: Path) -> None:
    data = {
        "metadata": {"version": "0.1.0"},
        "terms": [
            {"source": "新常態", "target": "new normal", "score": 0.9, "alternatives": ["new state"],
             "frequency": 3, "location": "r.txt:1"},
            {"source": "双创", "source_simplified": "双创", "target": "", "score": 0,
             "alternatives": [{"target": "mass entrepreneurship", "score": 0.2}], "frequency": 1,
             "location": {"path": "r.txt", "line": 7}},
        ],
    }
    predictions = read_predictions(write(tmp_path / "out.json", json.dumps(data, ensure_ascii=False)))
    assert predictions[0].source_simplified == "新常态"  # computed when the column is missing
    assert predictions[0].alternatives == ("new state",)
    assert predictions[1].alternatives == ("mass entrepreneurship",)
    assert predictions[1].location == "r.txt:7"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("out.tsv", "term\ttarget\n新常态\tnew normal\n", "lacks column 'source'"),
        ("out.tsv", HEADER + "新常态\t新常态\tnew normal\thigh\t\t1\tx\n", "score is not a number"),
        ("out.json", '{"terms": [', "not valid JSON"),
        ("out.json", '{"terms": {"source": "x"}}', "expected"),
        ("out.xlsx", "whatever", "use .tsv, .csv or .json"),
    ],
)
def test_read_predictions_errors(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_predictions(write(tmp_path / name, text))


# --- scoring --------------------------------------------------------------------------------------


def gold_term(zh: str, *renderings: str, kind: str = "direct") -> GoldTerm:
    from termsieve.evaluate import to_simplified

    return GoldTerm(zh, to_simplified(zh), renderings, kind)


def prediction(source: str, target: str, *alternatives: str, score: float = 0.5) -> Prediction:
    from termsieve.evaluate import to_simplified

    return Prediction(source, to_simplified(source), target, alternatives, score)


GOLD = [
    gold_term("新質生產力", "new quality productive forces"),  # found, right (Traditional gold)
    gold_term("人工智能", "artificial intelligence", "AI"),  # found, right only in top-3
    gold_term("数字化转型", "digital transformation"),  # found, wrong
    gold_term("优势产业", "industries where we excel", kind="free"),  # not found
]
PREDICTIONS = [
    prediction("新质生产力", "the new quality productive force"),
    prediction("人工智能", "intelligence", "robots", "artificial intelligences"),
    prediction("数字化转型", "digitalization", "transformation"),
    prediction("产业集群", "industrial clusters"),  # not in the gold list: no effect
]


def test_evaluate_counts_per_kind_and_over_found() -> None:
    report = evaluate(PREDICTIONS, GOLD)
    overall = report.overall
    assert (overall.total, overall.found, overall.top1, overall.top3) == (4, 3, 1, 2)
    direct, free = report.by_kind
    assert (direct.kind, direct.total, direct.found, direct.top1, direct.top3) == ("direct", 3, 3, 1, 2)
    assert (free.kind, free.total, free.found, free.top1, free.top3) == ("free", 1, 0, 0, 0)
    assert overall.recall == 0.75
    assert overall.top1_rate == 0.25
    assert overall.top3_rate_found == pytest.approx(2 / 3)
    assert free.top1_rate_found is None
    assert [o.gold.zh for o in report.not_found] == ["优势产业"]
    assert [o.gold.zh for o in report.wrong_target] == ["人工智能", "数字化转型"]
    assert report.prediction_count == 4


def test_top3_counts_the_target_and_at_most_two_alternatives() -> None:
    gold = [gold_term("人工智能", "artificial intelligence")]
    fourth = prediction("人工智能", "AI", "robots", "machines", "artificial intelligence")
    third = prediction("人工智能", "AI", "A.I.", "robots", "artificial intelligence")  # A.I. is not AI: rank 3
    assert not evaluate([fourth], gold).outcomes[0].top3
    assert not evaluate([third], gold).outcomes[0].top3
    repeated = prediction("人工智能", "AI", "ai", "robots", "artificial intelligence")  # repeats do not use a rank
    assert evaluate([repeated], gold).outcomes[0].top3


def test_traditional_prediction_matches_simplified_gold_and_best_score_wins() -> None:
    gold = [gold_term("数字化转型", "digital transformation")]
    predictions = [
        Prediction("數字化轉型", "", "digitalization", (), 0.3),  # no source_simplified column
        Prediction("數字化轉型", "", "digital transformations", (), 0.9),
    ]
    outcome = evaluate(predictions, gold).outcomes[0]
    assert outcome.found and outcome.top1


def flat(text: str) -> str:
    """The text with runs of spaces as one, since the report aligns its columns."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def test_text_report_lists_counts_and_misses() -> None:
    text = format_report(evaluate(PREDICTIONS, GOLD))
    found_part = flat(text.split("Over the 3 gold terms found:")[1])
    text = flat(text)
    assert "top-1 (direct): 1/3 = 33.3%" in text
    assert "recall (free): 0/1 = 0.0%" in text
    assert "top-3: 2/4 = 50.0%" in text
    assert "top-3: 2/3 = 66.7%" in found_part
    assert "top-1 (free): 0/0 = n/a" in found_part
    assert "优势产业 [free] industries where we excel" in text
    assert "*人工智能" in text  # wrong at top-1, right in top-3
    assert "predicted: digitalization (also: transformation)" in text


# --- CLI ------------------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    gold = write(tmp_path / "gold.tsv", GOLD_TSV)
    predictions = write(
        tmp_path / "out.tsv",
        HEADER + "新质生产力\t新质生产力\tnew quality productive forces\t0.9\t\t3\tx:1\n"
        "人工智能\t人工智能\trobotics\t0.5\tAI\t2\tx:2\n",
    )
    return gold, predictions


def test_cli_text_report(files: tuple[Path, Path]) -> None:
    gold, predictions = files
    result = CliRunner().invoke(cli, ["eval", str(predictions), "--gold", str(gold)])
    assert result.exit_code == 0, result.output
    output = flat(result.output)
    assert "4 gold terms (direct 3, free 1); 2 predictions" in output
    assert "top-1: 1/4 = 25.0%" in output
    assert "top-3 (direct): 2/3 = 66.7%" in output


def test_cli_json_and_for_file(files: tuple[Path, Path]) -> None:
    gold, predictions = files
    result = CliRunner().invoke(cli, ["eval", str(predictions), "--gold", str(gold), "--json", "--for-file", "A.tmx"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["overall"]["total"] == 2
    assert report["overall"]["top1_accuracy"] == 0.5
    assert report["by_kind"]["direct"]["top3"] == 2
    assert report["wrong_target"][0]["predicted"] == "robotics"
    assert report["wrong_target"][0]["top3"] is True


def test_cli_zero_scores_still_exit_zero(tmp_path: Path) -> None:
    gold = write(tmp_path / "gold.tsv", GOLD_TSV)
    predictions = write(tmp_path / "out.tsv", HEADER)
    result = CliRunner().invoke(cli, ["eval", str(predictions), "--gold", str(gold)])
    assert result.exit_code == 0
    assert "recall: 0/4 = 0.0%" in flat(result.output)


def test_cli_bad_gold_exits_3_naming_file_and_line(files: tuple[Path, Path], tmp_path: Path) -> None:
    _, predictions = files
    gold = write(tmp_path / "bad.tsv", "zh\ten\tkind\n新常态\tnew normal\tdirect\n僵尸企业\tzombies\tsemantic\n")
    result = CliRunner().invoke(cli, ["eval", str(predictions), "--gold", str(gold)])
    assert result.exit_code == 3
    assert f"Error: {gold}:3: bad kind 'semantic'" in result.output
    missing = CliRunner().invoke(cli, ["eval", str(predictions), "--gold", str(gold), "--for-file", "Z.tmx"])
    assert missing.exit_code != 0


def test_console_script(files: tuple[Path, Path]) -> None:
    gold, predictions = files
    script = Path(sys.executable).with_name("termsieve")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "termsieve"]
    done = subprocess.run([*command, "eval", str(predictions), "--gold", str(gold), "--json"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["overall"]["found"] == 2
    bad = subprocess.run([*command, "eval", str(predictions), "--gold", str(predictions)], capture_output=True,
                         text=True, check=False)
    assert bad.returncode == 3
    assert "lacks column(s) zh, en, kind" in bad.stderr
