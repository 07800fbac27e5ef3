"""Configuration of `termsieve check`: `[tool.termsieve]` in pyproject.toml, or termsieve.toml.

The configuration file is found by walking up from the working directory; in each directory a
`termsieve.toml` (keys at the top level) wins over a `pyproject.toml` (keys under `[tool.termsieve]`;
a pyproject.toml without that table is passed over). The walk stops at the first directory holding
`.git`, so a checkout never picks up a configuration from outside it.

Keys (paths relative to the configuration file's directory):

    glossary = ["glossaries/policy.tsv"]      # or one string
    exclude = ["vendor/**"]                   # never checked, even when named on the command line
    include = ["locales/**", "docs/**"]       # when set, other files named on the command line are skipped
    ignore = ["inconsistent"]                 # finding codes not reported
    severity = { untranslated = "warning" }   # error / warning / note per finding code
    fail-on = "error"                         # lowest severity that makes the exit status 1
    [[pairs]]                                 # [[tool.termsieve.pairs]] in pyproject.toml
    source = "docs/zh/{name}.md"
    target = "docs/en/{name}.md"

Globs: `*` and `?` stay within one path segment, `**` crosses segments, and a pattern without `/`
matches the file name in any directory. A `{placeholder}` in a pair pattern matches one path segment
(or part of one) and must take the same value in source and target.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import ConfigError
from .model import Severity

CONFIG_NAMES = ("termsieve.toml", "pyproject.toml")
_KNOWN_KEYS = {"glossary", "exclude", "include", "ignore", "severity", "fail-on", "fail_on", "pairs"}
_CODES = ("missing", "forbidden", "inconsistent", "untranslated")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class PairRule:
    """Two path patterns naming the Chinese file and its English partner."""

    source: str
    target: str

    def partner(self, relative: str) -> tuple[str, str] | None:
        """(source, target) relative paths when `relative` is either side of this rule."""
        values = _match_pattern(self.source, relative)
        if values is not None:
            return relative, _fill(self.target, values)
        values = _match_pattern(self.target, relative)
        if values is not None:
            return _fill(self.source, values), relative
        return None

    def source_glob(self) -> str:
        return _PLACEHOLDER.sub("*", self.source)


@dataclass(frozen=True)
class CheckConfig:
    path: Path | None  # the configuration file; None when there is none
    root: Path  # directory that relative paths in the configuration start from
    glossaries: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    pairs: tuple[PairRule, ...] = ()

    def relative(self, path: Path) -> str | None:
        """`path` relative to the root, in POSIX form; None when it lies outside."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None

    def is_excluded(self, path: Path) -> bool:
        relative = self.relative(path)
        return relative is not None and any(glob_match(pattern, relative) for pattern in self.exclude)

    def is_included(self, path: Path) -> bool:
        if not self.include:
            return True
        relative = self.relative(path)
        if relative is None:
            return False
        return (any(glob_match(pattern, relative) for pattern in self.include)
                or any(rule.partner(relative) for rule in self.pairs))

    def partner_of(self, path: Path) -> tuple[Path, Path] | None:
        """(Chinese file, English file) when a pair rule names `path`."""
        relative = self.relative(path)
        if relative is None:
            return None
        for rule in self.pairs:
            found = rule.partner(relative)
            if found:
                return self.root / found[0], self.root / found[1]
        return None


def find_config(start: Path | None = None) -> Path | None:
    """The nearest termsieve.toml, or pyproject.toml with a [tool.termsieve] table, at or above `start`."""
    directory = (start or Path.cwd()).resolve()
    for candidate in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            path = candidate / name
            if path.is_file() and (name == "termsieve.toml" or _has_tool_table(path)):
                return path
        if (candidate / ".git").exists():
            return None
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> CheckConfig:
    """Read the given configuration file, or the one `find_config` finds; defaults when there is none."""
    if path is None:
        path = find_config(start)
        if path is None:
            return CheckConfig(path=None, root=(start or Path.cwd()).resolve())
    path = Path(path)
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("termsieve", {})
        prefix = "tool.termsieve."
    else:
        table, prefix = data, ""
    return parse_config(table, path, prefix)


def parse_config(table: Mapping, path: Path, prefix: str = "") -> CheckConfig:
    where = str(path)

    def fail(message: str) -> ConfigError:
        return ConfigError(message, path=where)

    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise fail(f"unknown key {prefix}{unknown[0]}; known keys: {', '.join(sorted(_KNOWN_KEYS - {'fail_on'}))}")
    root = path.resolve().parent

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise fail(f"{prefix}{key} must be a string or a list of strings")
        return tuple(value)

    ignore = strings("ignore")
    for code in ignore:
        if code not in _CODES:
            raise fail(f"{prefix}ignore: unknown finding code {code!r}; codes: {', '.join(_CODES)}")

    severity_table = table.get("severity", {})
    if not isinstance(severity_table, Mapping):
        raise fail(f"{prefix}severity must be a table such as {{ untranslated = \"warning\" }}")
    severity = {code: _severity(level, f"{prefix}severity.{code}", where)
                for code, level in severity_table.items()}
    for code in severity:
        if code not in _CODES:
            raise fail(f"{prefix}severity: unknown finding code {code!r}; codes: {', '.join(_CODES)}")

    fail_on = _severity(table.get("fail-on", table.get("fail_on", "error")), f"{prefix}fail-on", where)

    raw_pairs = table.get("pairs", [])
    if not isinstance(raw_pairs, list):
        raise fail(f"{prefix}pairs must be an array of tables ([[{prefix}pairs]])")
    pairs = []
    for number, item in enumerate(raw_pairs, start=1):
        if (not isinstance(item, Mapping) or set(item) != {"source", "target"}
                or not all(isinstance(item[key], str) and item[key] for key in ("source", "target"))):
            raise fail(f"{prefix}pairs #{number} needs exactly the string keys source and target")
        if set(_PLACEHOLDER.findall(item["source"])) != set(_PLACEHOLDER.findall(item["target"])):
            raise fail(f"{prefix}pairs #{number}: source and target must use the same {{placeholders}}")
        pairs.append(PairRule(item["source"], item["target"]))

    return CheckConfig(
        path=path,
        root=root,
        glossaries=tuple(root / glossary for glossary in strings("glossary")),
        exclude=strings("exclude"),
        include=strings("include"),
        ignore=frozenset(ignore),
        severity=severity,
        fail_on=fail_on,
        pairs=tuple(pairs),
    )


def parse_severity(level: object, what: str) -> Severity:
    """'error', 'warning' or 'note'; anything else is a ConfigError naming `what`."""
    return _severity(level, what, None)


def _severity(level: object, what: str, where: str | None) -> Severity:
    try:
        return Severity(level)
    except ValueError:
        raise ConfigError(f"{what} must be one of error, warning, note; got {level!r}", path=where) from None


def _read_toml(path: Path) -> dict:
    # Imported here: `check` without a configuration file does not pay for the TOML parser.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except OSError as error:
        raise ConfigError(f"cannot read: {error.strerror or error}", path=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None) or _line_from_message(str(error))
        raise ConfigError(f"not valid TOML: {error}", path=str(path), line=line) from None


def _line_from_message(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "tool.termsieve" not in text:
        return False
    return isinstance(_read_toml(path).get("tool", {}).get("termsieve"), Mapping)


# --- globs and pair patterns ---


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern
    if pattern.endswith("/"):
        pattern += "**"
    parts = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            parts.append(".*")
            index += 2
            continue
        parts.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
        index += 1
    return re.compile("".join(parts) + r"\Z")


def glob_match(pattern: str, relative: str) -> bool:
    """Whether a POSIX relative path matches a glob (see the module docstring)."""
    return _glob_regex(pattern).match(relative) is not None


@lru_cache(maxsize=64)
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    position = 0
    seen: set[str] = set()
    for found in _PLACEHOLDER.finditer(pattern):
        parts.append(re.escape(pattern[position: found.start()]))
        name = found.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>[^/]+)")
        seen.add(name)
        position = found.end()
    parts.append(re.escape(pattern[position:]))
    return re.compile("".join(parts) + r"\Z")


def _match_pattern(pattern: str, relative: str) -> dict[str, str] | None:
    found = _pattern_regex(pattern).match(relative)
    return found.groupdict() if found else None


def _fill(pattern: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda found: values[found.group(1)], pattern)
