"""Lyrics: local .lrc files, LRCLIB, the on-disk cache, the LRC parser and the line at a
position. Below the faces and above ``core/``: no Textual, no Rich."""
