"""A name -> implementation registry with lazy imports, shared by readers and writers.

Implementations are named as "module:attribute" strings and imported on first use, so that
`termsieve check` and `termsieve --help` do not pay for openpyxl, lxml or jieba.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .errors import FormatError


class Registry:
    def __init__(self, kind: str, option: str | None = "--format"):
        self.kind = kind
        self.option = option  # the CLI option that names a format, for error messages; None if there is none
        self._targets: dict[str, str] = {}
        self._extensions: dict[str, str] = {}

    def register(self, name: str, target: str, extensions: Iterable[str] = ()) -> None:
        self._targets[name] = target
        for extension in extensions:
            self._extensions[extension.lower()] = name

    def names(self) -> list[str]:
        return sorted(self._targets)

    def get(self, name: str) -> Callable[..., Any]:
        try:
            target = self._targets[name]
        except KeyError:
            raise FormatError(
                f"unknown {self.kind} format {name!r}; known formats: {', '.join(self.names())}"
            ) from None
        module_name, _, attribute = target.partition(":")
        module = importlib.import_module(module_name, package=__package__)
        return getattr(module, attribute)

    def name_for_path(self, path: str | Path) -> str:
        """The format registered for a path's extension (longest match first, e.g. `.zh.txt`)."""
        name = Path(path).name.lower()
        for extension in sorted(self._extensions, key=len, reverse=True):
            if name.endswith(extension):
                return self._extensions[extension]
        if self.option:
            advice = f"use {self.option} with one of: {', '.join(self.names())}"
        else:
            advice = f"name it with one of: {', '.join(sorted(self._extensions))}"
        raise FormatError(f"cannot tell the {self.kind} format from the file name; {advice}", path=str(path))
