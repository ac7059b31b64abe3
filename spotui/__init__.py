"""spotui: what you are playing on Spotify, in your terminal."""

__version__ = "0.1.0"
