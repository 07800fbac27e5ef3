"""The shipped pre-commit hook, run for real with `pre-commit try-repo` against this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

CHECKOUT = Path(__file__).resolve().parent.parent
POLICY = Path(__file__).parent / "fixtures" / "check" / "policy.tsv"

pytestmark = pytest.mark.slow


def test_hook_definition():
    [hook] = yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "termsieve-check" and hook["entry"] == "termsieve check"
    assert hook["language"] == "python" and hook["require_serial"] is True
    assert "files" in hook and "types" not in hook


def _pre_commit() -> list[str]:
    beside = Path(sys.executable).with_name("pre-commit")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("pre-commit")
    if found:
        return [found]
    pytest.skip("pre-commit is not installed (pip install '.[test]')")


def _git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=termsieve tests", "-c", "user.email=tests@example.org"]
    subprocess.run(["git", *identity, *args], cwd=repo, check=True, capture_output=True)


def test_pre_commit_try_repo(tmp_path):
    pre_commit = _pre_commit()
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    (repo / "glossaries").mkdir(parents=True)
    shutil.copy(POLICY, repo / "glossaries" / "policy.tsv")
    (repo / "pyproject.toml").write_text(
        '[tool.termsieve]\nglossary = ["glossaries/policy.tsv"]\n'
        '[[tool.termsieve.pairs]]\nsource = "locales/zh/{name}.json"\ntarget = "locales/en/{name}.json"\n',
        encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    (repo / "locales" / "zh").mkdir(parents=True)
    (repo / "locales" / "en").mkdir(parents=True)
    (repo / "locales" / "zh" / "app.json").write_text('{\n  "policy": "推进高质量发展"\n}\n', encoding="utf-8")
    en = repo / "locales" / "en" / "app.json"
    en.write_text('{\n  "policy": "Promote high-quality development"\n}\n', encoding="utf-8")
    (repo / "README.md").write_text("# Readme\n", encoding="utf-8")  # no partner: skipped, not refused
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    # The hook's environment needs no compiled matcher (check never uses it): installing it pure is 40 s faster.
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PYTHONUTF8": "1",
                   "TERMSIEVE_PURE_PYTHON": "1"}

    def try_repo() -> subprocess.CompletedProcess:
        return subprocess.run([*pre_commit, "try-repo", str(CHECKOUT), "termsieve-check", "--color", "never"],
                              cwd=repo, capture_output=True, text=True, env=environment, timeout=900)

    clean = try_repo()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "termsieve check" in clean.stdout and "Passed" in clean.stdout

    # Only the English file changes; the hook still checks it against its Chinese partner.
    _git(repo, "commit", "-q", "-m", "clean", "--no-verify")
    en.write_text('{\n  "policy": "Promote quality development"\n}\n', encoding="utf-8")
    _git(repo, "add", str(en))
    violating = try_repo()
    assert violating.returncode == 1, violating.stdout + violating.stderr
    assert "Failed" in violating.stdout
    assert ('locales/en/app.json:2:3: forbidden "quality development" is deprecated for 高质量发展'
            in violating.stdout)
