"""The collector pause around heavy jobs."""

from __future__ import annotations

import gc

from termsieve.runtime import paused_gc


def test_paused_gc_pauses_and_restores_the_collector():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_paused_gc_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with paused_gc(freeze_after=True):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_freeze_after_keeps_what_the_block_made_out_of_later_collections():
    try:
        with paused_gc(freeze_after=True):
            made = [[index] for index in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(made)
    finally:
        gc.unfreeze()


def test_exit_at_once_flushes_both_streams_and_keeps_the_code():
    import subprocess
    import sys

    program = ("import sys\nfrom termsieve.runtime import exit_at_once\n"
               "sys.stdout.write('partial line, still buffered')\nsys.stderr.write('to stderr')\n"
               "import atexit\natexit.register(lambda: print('teardown ran'))\nexit_at_once(5)\n")
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert completed.returncode == 5
    assert completed.stdout == "partial line, still buffered"  # flushed, and no teardown ran after it
    assert completed.stderr == "to stderr"
