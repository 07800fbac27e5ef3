"""A small on-disk cache for data that is slow to parse and never changes between runs.

Entries live in $TERMSIEVE_CACHE_DIR, else $XDG_CACHE_HOME/termsieve, else ~/.cache/termsieve, keyed by
the source files' paths, sizes and modification times, so an upgraded package rebuilds them. Nothing
is downloaded: the cache only holds what was built from installed files. Where it cannot be written
(a read-only home), data is simply built each time.
"""

from __future__ import annotations

import marshal
import os
import re
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from . import __version__

T = TypeVar("T")

# Names older versions cached under and this one no longer reads: their entries are removed when the
# cache is next written ("jieba-prefix": jieba's whole prefix dictionary, 9 MB, before it was split
# into groups filled in per text).
RETIRED_NAMES = ("jieba-prefix",)


def cache_dir() -> Path:
    configured = os.environ.get("TERMSIEVE_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "termsieve"


def cached(name: str, sources: Sequence[str | os.PathLike], build: Callable[[], T]) -> T:
    """`build()`'s result, from the cache when the sources have not changed (marshal-able data only)."""
    # A CRC of the sources' identity (zlib, not hashlib: this runs on `termsieve check`'s start-up path).
    identity = __version__
    for source in sources:
        stat = os.stat(source)
        identity += f"|{os.fspath(source)}|{stat.st_size}|{stat.st_mtime_ns}"
    path = cache_dir() / f"{name}-{zlib.crc32(identity.encode()):08x}.marshal"
    try:
        # loads() on the whole file is about three times faster than load() on the open file.
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    try:
        import tempfile  # only when writing: keeps the read path light

        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            marshal.dump(value, handle)
        os.replace(handle.name, path)
        _prune(path.parent, name, keep=path)
        for retired in RETIRED_NAMES:
            _prune(path.parent, retired, keep=path, most=0)
    except OSError:
        pass  # an unwritable cache only costs time
    return value


def _prune(directory: Path, name: str, keep: Path, most: int = 3) -> None:
    """Keep the newest few entries of one name (one per installation using the cache), drop the rest."""
    # "wordfreq-zh-*" would also match "wordfreq-zh-table-*": only the CRC may follow the name.
    entries = sorted((entry for entry in directory.glob(f"{name}-*.marshal")
                      if re.fullmatch(r"[0-9a-f]{8}", entry.name[len(name) + 1:-len(".marshal")])),
                     key=lambda entry: entry.stat().st_mtime, reverse=True)
    for entry in entries[most:]:
        if entry != keep:
            entry.unlink(missing_ok=True)
