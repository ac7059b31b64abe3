"""The player as the app sees it, with no UI: local position, optimistic changes, polling.

Spotify is asked every few seconds, never every second. Between answers the
position moves locally from ``progress_ms`` and the moment the answer came
(Spotify's own ``timestamp`` marks the last state change, so it is not used).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the models are imported after the first frame
    from spotui.spotify.models import Item, Playback, RepeatMode

END_SLACK_S = 0.25  # ask this long after a track should end
PAUSED_S = 10.0  # paused: a change elsewhere shows within this
IDLE_S = 15.0  # nothing playing, or no device
AFTER_COMMAND_S = 1.0  # ask again this soon after a command
SKIP_SETTLE_S = 2.5  # after a skip, an answer on the track left is early this long
SKIP_RETRY_S = 0.5  # and the next ask comes this soon
RESTART_MS = 3000  # "previous" past this restarts the track (as Spotify's players do)
MAX_BACKOFF_S = 60.0
STEADY_MS = 500  # an answer this close to the local clock keeps the clock


@dataclass(frozen=True, slots=True)
class PlayerState:
    """The last known playback and the local (monotonic) time it was true."""

    playback: Playback | None = None
    received_at: float = 0.0
    skipping: bool = False  # a skip is on its way and what comes next is not known yet

    def position(self, now: float) -> int:
        """Where playback is now, moved locally while playing, within the track."""
        playback = self.playback
        if playback is None:
            return 0
        position = playback.progress_ms
        if playback.is_playing:
            position += int((now - self.received_at) * 1000)
        duration = playback.duration_ms
        return max(0, min(position, duration) if duration else position)

    def steadied(self, before: PlayerState) -> PlayerState:
        """This answer, keeping the clock of the one ``before`` it when both play the same
        item and agree to within ``STEADY_MS``. Each answer is late by the network's delay,
        so taking its position as it comes steps the elapsed time back and forth (and
        repaints the bar between ticks)."""
        new, old = self.playback, before.playback
        if new is None or old is None or not (new.is_playing and old.is_playing):
            return self
        if new.item != old.item or new.item is None:
            return self
        if abs(new.progress_ms - before.position(self.received_at)) > STEADY_MS:
            return self
        return PlayerState(replace(new, progress_ms=old.progress_ms), before.received_at)

    def remaining_s(self, now: float) -> float | None:
        playback = self.playback
        if playback is None or not playback.is_playing or not playback.duration_ms:
            return None
        return max(0.0, (playback.duration_ms - self.position(now)) / 1000)

    # --- optimistic changes: what the screen shows before Spotify confirms -------------

    def _moved(self, now: float, **changes: Any) -> PlayerState:
        assert self.playback is not None
        playback = replace(self.playback, progress_ms=self.position(now), **changes)
        return PlayerState(playback, now)

    def toggled(self, now: float) -> PlayerState:
        return self._moved(now, is_playing=not self.playback.is_playing) if self.playback else self

    def sought(self, now: float, delta_ms: int) -> PlayerState:
        if self.playback is None:
            return self
        target = max(0, self.position(now) + delta_ms)
        if self.playback.duration_ms:
            target = min(target, self.playback.duration_ms)
        return PlayerState(replace(self.playback, progress_ms=target), now)

    def with_shuffle(self, now: float, shuffle: bool) -> PlayerState:
        return self._moved(now, shuffle=shuffle) if self.playback else self

    def with_repeat(self, now: float, repeat: RepeatMode) -> PlayerState:
        return self._moved(now, repeat=repeat) if self.playback else self

    def with_volume(self, now: float, volume: int) -> PlayerState:
        playback = self.playback
        if playback is None or playback.device is None:
            return self
        return self._moved(now, device=replace(playback.device, volume_percent=volume))

    def skipped(self, now: float, following: Item | None) -> PlayerState:
        """What a skip shows at once: ``following`` from its start when spotui knows
        it (the queue it holds), else the same track marked as skipping."""
        playback = self.playback
        if playback is None:
            return self
        if following is None:
            return PlayerState(replace(playback, progress_ms=self.position(now)), now, True)
        return PlayerState(replace(playback, item=following, progress_ms=0), now)


def next_repeat(mode: RepeatMode) -> RepeatMode:
    """off → context → track → off."""
    from spotui.spotify.models import REPEAT_MODES

    return REPEAT_MODES[(REPEAT_MODES.index(mode) + 1) % len(REPEAT_MODES)]


def poll_delay(state: PlayerState, now: float, interval: float) -> float:
    """Seconds until Spotify should be asked again, in steady running.

    While playing: every ``interval`` seconds at most, spread so that one ask
    lands just after the track should end. Paused or idle: less often.
    """
    playback = state.playback
    if playback is None or (playback.item is None and not playback.is_ad):
        return max(interval, IDLE_S)
    remaining = state.remaining_s(now)
    if remaining is None:
        return max(interval, PAUSED_S)
    until_end = remaining + END_SLACK_S
    if remaining < 0.05:  # Spotify has not moved on yet: ask again shortly
        return AFTER_COMMAND_S
    steps = max(1, math.ceil(until_end / interval))
    return until_end / steps


def backoff_delay(failures: int, interval: float) -> float:
    """After ``failures`` failed polls in a row: 2, 4, 8 … s, at most a minute."""
    return min(MAX_BACKOFF_S, max(interval, 2.0 ** min(failures, 6)))
