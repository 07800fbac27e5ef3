"""termsieve's exceptions. The CLI turns them into a message and an exit code in one place."""

from __future__ import annotations


class TermsieveError(Exception):
    """Base error; carries the file and position the problem is at, when known."""

    exit_code = 1

    def __init__(self, message: str, path: str | None = None, line: int | None = None, where: str = ""):
        self.message = message
        self.path = path
        self.line = line
        self.where = where  # free-form position such as "sheet Terms, row 4"
        super().__init__(str(self))

    def __str__(self) -> str:
        position = ""
        if self.path:
            position = self.path
            if self.line:
                position += f":{self.line}"
            if self.where:
                position += f" ({self.where})"
            position += ": "
        elif self.where:
            position = f"{self.where}: "
        return position + self.message


class InputError(TermsieveError):
    """An input file cannot be read or does not hold what was expected."""

    exit_code = 3


class FormatError(InputError):
    """Unknown format or no reader/writer for it."""


class GlossaryError(InputError):
    """A glossary file or review workbook is malformed."""


class ConfigError(InputError):
    """Configuration (pyproject.toml / termsieve.toml) is malformed."""


class MissingDependencyError(TermsieveError):
    """An optional dependency is needed for what was asked."""

    exit_code = 2
