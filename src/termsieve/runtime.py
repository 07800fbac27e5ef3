"""Process-level settings for the heavy jobs."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import NoReturn


@contextmanager
def paused_gc(freeze_after: bool = False) -> Iterator[None]:
    """Run a block without the cyclic garbage collector, then restore it as it was.

    Extraction loads dictionaries of millions of objects and builds millions more, none of them in
    reference cycles; each full collection walks them all (about 0.1 s each, 15-20% of a run on one
    report). Reference counting still frees everything as usual.

    Objects made during the pause are all young to the collector, so the first allocation after it
    walks them (0.3 s after extracting one report). A command about to exit has no use for that
    walk: `freeze_after` moves what exists to the collector's permanent generation first, so that
    neither that walk nor the one at interpreter exit visits them. Cycles among them are then never
    collected, which only a one-shot process can afford.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if freeze_after:
                gc.freeze()
            gc.enable()


def exit_at_once(code: int) -> NoReturn:
    """End the process without the interpreter's teardown, once the command's work is done.

    At a normal exit the interpreter frees every object still alive one by one: the dictionaries, the
    word classes, the command's results. After extracting one report that takes 0.15-0.2 s, 5-6% of
    the run, for memory the system takes back at once anyway. The standard streams are flushed first;
    every file the commands write is closed before they return, and none of them leaves work to
    atexit handlers.
    """
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe (termsieve ... | head): nothing more to say
            stream.flush()
    os._exit(code)
