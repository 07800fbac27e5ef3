"""Configuration of check: finding the file, its keys, globs, pair rules, and the command using them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from termsieve.cli import cli
from termsieve.config import PairRule, find_config, glob_match, load_config
from termsieve.errors import ConfigError
from termsieve.model import Severity

POLICY = Path(__file__).parent / "fixtures" / "check" / "policy.tsv"

PYPROJECT = """\
[project]
name = "docs"

[tool.termsieve]
glossary = ["glossaries/policy.tsv"]
exclude = ["vendor/**"]
severity = { inconsistent = "error" }

[[tool.termsieve.pairs]]
source = "docs/zh/{name}.md"
target = "docs/en/{name}.md"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "glossaries").mkdir()
    shutil.copy(POLICY, tmp_path / "glossaries" / "policy.tsv")
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    for language, text in (("zh", "# 一带一路\n\n推进高质量发展。\n"),
                           ("en", "# Belt and Road Initiative\n\nPromote high-quality development.\n")):
        (tmp_path / "docs" / language).mkdir(parents=True)
        (tmp_path / "docs" / language / "intro.md").write_text(text, encoding="utf-8")
    return tmp_path


def test_pyproject_table_is_found_walking_up(project):
    (project / "docs" / "zh" / "deep").mkdir()
    assert find_config(project / "docs" / "zh" / "deep") == project / "pyproject.toml"
    config = load_config(start=project / "docs")
    assert config.root == project.resolve()
    assert config.glossaries == (project.resolve() / "glossaries" / "policy.tsv",)  # relative to the file
    assert config.severity == {"inconsistent": Severity.ERROR}
    assert config.pairs == (PairRule("docs/zh/{name}.md", "docs/en/{name}.md"),)


def test_termsieve_toml_wins_and_pyproject_without_table_is_passed_over(project):
    inner = project / "docs"
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert find_config(inner) == project / "pyproject.toml"
    (inner / "termsieve.toml").write_text('ignore = ["inconsistent"]\nfail-on = "warning"\n', encoding="utf-8")
    config = load_config(start=inner)
    assert config.path == inner / "termsieve.toml"
    assert config.ignore == frozenset({"inconsistent"}) and config.fail_on is Severity.WARNING


def test_walk_stops_at_the_repository_root(tmp_path):
    (tmp_path / "termsieve.toml").write_text("", encoding="utf-8")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert find_config(tmp_path / "repo") is None
    assert find_config(tmp_path) == tmp_path / "termsieve.toml"


@pytest.mark.parametrize(("text", "message"), [
    ("glossary = 3\n", "glossary must be a string or a list of strings"),
    ("colour = 1\n", "unknown key colour"),
    ('severity = { missing = "loud" }\n', "severity.missing must be one of error, warning, note"),
    ('severity = { typo = "note" }\n', "unknown finding code 'typo'"),
    ('ignore = ["typo"]\n', "unknown finding code 'typo'"),
    ('[[pairs]]\nsource = "a/{x}.md"\n', "needs exactly the string keys source and target"),
    ('[[pairs]]\nsource = "a/{x}.md"\ntarget = "b/{y}.md"\n', "same {placeholders}"),
    ("glossary = [\n", "not valid TOML"),
])
def test_bad_configuration_is_a_config_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "termsieve.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert message in str(raised.value)
    assert str(raised.value).startswith(str(path))


def test_bad_configuration_exits_3(project, monkeypatch):
    (project / "pyproject.toml").write_text(PYPROJECT.replace('"error"', '"fatal"'), encoding="utf-8")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["check", "docs/zh/intro.md"])
    assert result.exit_code == 3
    assert "pyproject.toml" in result.stderr and "tool.termsieve.severity.inconsistent" in result.stderr


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    ("vendor/**", "vendor/a/b.md", True),
    ("vendor/**", "src/vendor/b.md", False),
    ("**/vendor/**", "src/vendor/b.md", True),
    ("*.json", "a/b/package.json", True),  # no slash: the file name in any directory
    ("docs/*.md", "docs/a/b.md", False),
    ("docs/**/*.md", "docs/b.md", True),
    ("docs/?.md", "docs/ab.md", False),
])
def test_globs(pattern, path, expected):
    assert glob_match(pattern, path) is expected


def test_pair_rule_finds_either_side():
    rule = PairRule("locales/{lang}/{name}.zh.json", "locales/{lang}/{name}.en.json")
    assert rule.partner("locales/web/menu.en.json") == ("locales/web/menu.zh.json", "locales/web/menu.en.json")
    assert rule.partner("locales/web/menu.zh.json") == ("locales/web/menu.zh.json", "locales/web/menu.en.json")
    assert rule.partner("locales/menu.zh.json") is None


def test_one_file_of_a_pair_brings_its_partner(project, monkeypatch):
    monkeypatch.chdir(project / "docs")
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "en/intro.md"])
    assert result.exit_code == 0, result.output
    assert "2 files, 2 segment pairs" in result.stderr
    (project / "docs" / "en" / "intro.md").write_text("# Belt and Road\n\nPromote quality development.\n",
                                                       encoding="utf-8")
    result = runner.invoke(cli, ["check", "zh/intro.md", "en/intro.md"])  # one pair, read once
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        'en/intro.md:3:1: forbidden "quality development" is deprecated for 高质量发展; '
        'use "high-quality development"',
    ]
    assert "2 files, 2 segment pairs" in result.stderr


def test_missing_partner_is_an_input_error(project, monkeypatch):
    monkeypatch.chdir(project)
    (project / "docs" / "zh" / "new.md").write_text("新文档\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "docs/zh/new.md"])
    assert result.exit_code == 3
    assert "docs/en/new.md" in result.stderr and "does not exist" in result.stderr


def test_excludes_apply_to_paths_on_the_command_line(project, monkeypatch):
    monkeypatch.chdir(project)
    (project / "vendor").mkdir()
    (project / "vendor" / "bad.txt").write_text("人工智能\nrobots\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "vendor/bad.txt"])
    assert result.exit_code == 0
    assert "0 files" in result.stderr
    result = CliRunner().invoke(cli, ["check", "vendor/bad.txt", "--no-config", "--glossary", str(POLICY)])
    assert result.exit_code == 1


def test_command_line_glossary_adds_to_configured_ones(project, monkeypatch):
    monkeypatch.chdir(project)
    extra = project / "extra.tsv"
    extra.write_text("source\ttarget\tstatus\n推进\tpromote\tpreferred\n", encoding="utf-8")
    (project / "docs" / "en" / "intro.md").write_text("# Belt and Road Initiative\n\nDo high-quality development.\n",
                                                       encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["check", "docs/en/intro.md"]).exit_code == 0
    result = runner.invoke(cli, ["check", "docs/en/intro.md", "--glossary", "extra.tsv"])
    assert result.exit_code == 1
    assert result.stdout.startswith("docs/en/intro.md:3:1: missing 推进 is not rendered as")


def test_no_files_checks_every_configured_pair(project, monkeypatch):
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "2 files" in result.stderr


def test_include_and_skip_unpaired(project, monkeypatch):
    monkeypatch.chdir(project)
    (project / "README.md").write_text("# Readme\n", encoding="utf-8")
    (project / "notes.txt").write_text("人工智能\nrobots\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["check", "README.md", "docs/en/intro.md"]).exit_code == 3  # README has no partner
    result = runner.invoke(cli, ["check", "--skip-unpaired", "README.md", "docs/en/intro.md"])
    assert result.exit_code == 0 and "2 files" in result.stderr
    assert runner.invoke(cli, ["check", "notes.txt"]).exit_code == 1
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    (project / "pyproject.toml").write_text(text.replace('exclude = ["vendor/**"]',
                                                         'exclude = ["vendor/**"]\ninclude = ["docs/**"]'),
                                            encoding="utf-8")
    result = runner.invoke(cli, ["check", "notes.txt"])
    assert result.exit_code == 0 and "0 files" in result.stderr
