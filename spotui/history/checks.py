"""What a play from outside (an export, or Spotify's recently played) must be to be kept.

Each value is checked at the door; a record that fails is refused, counted by
reason, and the rest go on.
"""

from __future__ import annotations

from collections import Counter

EARLIEST_MS = 1_136_073_600_000  # 2006-01-01: no Spotify play is older
SKEW_MS = 86_400_000  # a clock a day ahead is still believed
DAY_MS = 86_400_000  # no stream lasts longer


def refusals(refused: Counter[str]) -> str:
    """``3 records refused: ms_played out of range (2), date in the future (1)``."""
    total = refused.total()
    reasons = ", ".join(f"{why} ({count:,})" for why, count in refused.most_common())
    return f"{total:,} record{'' if total == 1 else 's'} refused: {reasons}"
