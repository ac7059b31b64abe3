"""The listening history: a SQLite archive of every play, fed by recently played and by
Spotify's data export, and the stats read from it. No UI here."""
