"""The package as built: setup.py compiles termsieve.matching with mypyc where a C compiler is found."""

from __future__ import annotations

import os
import shutil
import sysconfig
from pathlib import Path

import pytest

import termsieve.matching as matching
from termsieve.matching import Matcher

SOURCE = Path(__file__).resolve().parent.parent / "src"


def test_a_built_install_carries_the_compiled_matcher():
    installed = Path(matching.__file__).resolve()
    if installed.is_relative_to(SOURCE):
        pytest.skip("an editable install runs the pure-Python matcher, so that edits take effect")
    if os.environ.get("TERMSIEVE_PURE_PYTHON"):
        pytest.skip("TERMSIEVE_PURE_PYTHON asks for the pure-Python matcher")
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}): the pure-Python matcher is installed")
    assert installed.name.endswith(sysconfig.get_config_var("EXT_SUFFIX")), installed


def test_the_matcher_can_be_subclassed_compiled_or_not():
    class Recording(Matcher):
        def units_with_text(self, text):
            self.asked = text
            return super().units_with_text(text)

    matcher = Recording([], lambda word: ())
    assert matcher.units_with_text("城镇") == set() and matcher.asked == "城镇"
