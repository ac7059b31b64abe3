"""Telling ListenBrainz and Last.fm what was played: the rule, the outbox, the two services.

A subscriber of the hub (attached once in :mod:`spotui.services`) and the source of
``spotui scrobble``. It uses the hub's states and the archive; it never asks Spotify.
"""
