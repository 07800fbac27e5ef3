"""Build hook: compile termsieve.matching with mypyc where a C compiler is at hand.

The metadata lives in pyproject.toml; this file only adds the compiled module. Span scoring and the
choice of each term's English are pure-Python loops over dicts and tuples; compiled, an extraction on
real reports takes a quarter to a third less time, with the same output (README, Speed;
benchmarks/HISTORY.md, twenty-fifth session).

The pure-Python module stays in the package and is used:
- where no C compiler is found, mypyc rejects the module (a type error its version finds), or the
  build fails otherwise: the install goes on without the compiled module;
- in editable installs (`pip install -e .`), so that edits to the source take effect;
- when TERMSIEVE_PURE_PYTHON is set to a non-empty value at install time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

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
    try:
        extensions = mypycify(["--ignore-missing-imports", "--follow-imports=silent", *COMPILED_MODULES],
                              opt_level="3")
    except (Exception, SystemExit) as error:  # mypyc exits on a type error its version finds
        print(f"termsieve: not compiling the matcher ({error!r}); installing pure Python", file=sys.stderr)
        return []
    return extensions


class _BuildExtOrPurePython(build_ext):
    """Builds the compiled matcher, or none of it: mypyc's extensions import one another, so a module
    built without its native library would not even import. The pure-Python module is kept either way."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # no compiler, a compiler error, a missing header...
            for extension in self.extensions:
                Path(self.get_ext_fullpath(extension.name)).unlink(missing_ok=True)
            print(f"termsieve: the compiled matcher did not build ({error}); installing pure Python", file=sys.stderr)


setup(ext_modules=_extensions(), cmdclass={"build_ext": _BuildExtOrPurePython})
