"""Telling the desktop what plays: the MPRIS player and track-change notifications.

Both are subscribers of the controller (:mod:`spotui.core.controller`), attached by the
wiring (:mod:`spotui.services`); they add no loop and no request of their own.
"""
