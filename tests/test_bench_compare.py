"""bench/compare.py reads benchmark.py's table and sets two revisions side by side."""

from __future__ import annotations

import sys

from .helpers import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import compare

# As benchmark.py prints them (its report(), with progress lines before the table).
BEFORE = """\
start-up (3 runs each)…

figure                                                  measured  target
----------------------------------------------  ----------------  ----------------------------------------
`spotui now --json`, token cached in a keyring      1.06 × floor  ok   ≤ 1.5× (python -c 'import httpx' + one request)  (912 ms vs floor 860 ms (median of 7))
history: key 8 to the Stats tab on screen                 104 ms  ok   ≤ 400 ms
history: a sync with nothing new                   1.00 requests  ok   exactly 1

3 of 3 figures meet their targets.
"""  # noqa: E501
AFTER = """\
figure                                                  measured  target
----------------------------------------------  ----------------  ----------------------------------------
`spotui now --json`, token cached in a keyring      1.90 × floor  MISS ≤ 1.5× (python -c 'import httpx' + one request)  (1634 ms)
history: a sync with nothing new                   2.00 requests  MISS exactly 1
lyrics: the line at a position                           0.40 ms  ok   ≤ 1 ms

1 of 3 figures meet their targets.
"""  # noqa: E501


def test_reads_each_figure_with_its_target():
    figures = compare.read_table(BEFORE)
    assert list(figures) == [
        "`spotui now --json`, token cached in a keyring",
        "history: key 8 to the Stats tab on screen",
        "history: a sync with nothing new",
    ]
    now = figures["`spotui now --json`, token cached in a keyring"]
    assert (now.value, now.unit, now.ok) == (1.06, "× floor", True)
    assert now.target == "≤ 1.5× (python -c 'import httpx' + one request)"


def test_a_figure_in_one_revision_only_is_shown_not_fatal(capsys):
    a = compare.Revision("A", "main", "aaaaaaa", ROOT, [compare.read_table(BEFORE)])
    b = compare.Revision("B", "HEAD", "bbbbbbb", ROOT, [compare.read_table(AFTER)])
    worse = compare.table(a, b, tolerance=10)
    rows = {line.split("  ")[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "only in A" in rows["history: key 8 to the Stats tab on screen"]
    assert "only in B" in rows["lyrics: the line at a position"]
    assert rows["`spotui now --json`, token cached in a keyring"].endswith("WORSE")
    assert rows["history: a sync with nothing new"].endswith("WORSE: misses its target")
    assert worse == 2
