"""Build hook: compile termsieve.matching with mypyc where a C compiler is at hand.

The metadata lives in pyproject.toml; this file only adds the compiled module. Span scoring and the
choice of each term's English are pure-Python loops over dicts and tuples, and compiled they take about
a third less time, with the same output (see benchmarks/HISTORY.md, twenty-fifth session).

The pure-Python module stays in the package and is used:
- where no C compiler is found, or the build of the extension fails (the extension is optional);
- in editable installs (`pip install -e .`), so that edits to the source take effect;
- when TERMSIEVE_PURE_PYTHON is set to a non-empty value at install time.
"""

from __future__ import annotations

import os
import sys

from setuptools import setup

COMPILED_MODULES = ["src/termsieve/matching.py"]
# The commands that build a wheel or install one. pip also runs setup.py for metadata (egg_info,
# dist_info) and editable installs run editable_wheel: those skip mypyc's type check and code generation.
_BUILD_COMMANDS = {"bdist_wheel", "build", "build_ext", "install"}


def _extensions() -> list:
    if os.environ.get("TERMSIEVE_PURE_PYTHON") or _BUILD_COMMANDS.isdisjoint(sys.argv[1:]):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # a build without the build-system requirements (setup.py run by hand)
        return []
    extensions = mypycify(["--ignore-missing-imports", "--follow-imports=silent", *COMPILED_MODULES], opt_level="3")
    for extension in extensions:
        extension.optional = True  # no compiler, or a failed build: the pure-Python module is used
    return extensions


setup(ext_modules=_extensions())
