"""The playlists tab: yours and the ones you follow."""

from __future__ import annotations

from textual import work

from spotui.spotify.errors import SpotifyError
from spotui.tui.tabs.base import MainTab


class PlaylistsTab(MainTab):
    @work(group="playlists", exclusive=True)
    async def load(self) -> None:
        from spotui.tui.widgets import lists

        make = lambda: lists.ListView(lists.PLAYLIST_COLUMNS, "playlists", id="playlists-view")  # noqa: E731
        view = await self.view(make)
        try:
            found = await self.reads.browse.playlists()
            me = await self.reads.browse.me()
        except SpotifyError as exc:
            self.failed(view, exc)
            return
        view.table.replace_rows(lists.playlist_rows(found, me), found)
        view.caption(
            f"Your {len(found)} playlists · Enter plays · o opens · + adds the track playing"
        )
