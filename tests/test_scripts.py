"""Traditional -> Simplified on the check path: OpenCC only when something is Traditional."""

from __future__ import annotations

import subprocess
import sys

from termsieve.scripts import to_simplified_all


def test_traditional_text_is_converted_and_offsets_kept():
    converted = to_simplified_all(["壯大產業集群", "发展数字经济", "plain English"])
    assert converted == ["壮大产业集群", "发展数字经济", "plain English"]
    assert [len(text) for text in converted] == [6, 6, 13]


def test_simplified_text_never_loads_opencc(tmp_path):
    # The set of characters t2s changes is cached on first use; a fresh interpreter then checks
    # Simplified text without importing OpenCC at all.
    to_simplified_all(["產業"])
    code = (
        "import sys\n"
        "from termsieve.scripts import to_simplified_all\n"
        "assert to_simplified_all(['发展数字经济', 'abc']) == ['发展数字经济', 'abc']\n"
        "print('opencc' in sys.modules)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "False"
