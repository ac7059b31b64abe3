"""spotui: what you are playing on Spotify, in your terminal."""

import logging
import sys

__version__ = "0.1.0"
PROJECT_URL = "https://pypi.org/project/spotui-terminal/"  # pyproject's [project.urls] Homepage

# httpx imports its optional command-line client (click, rich, pygments) when
# they happen to be installed: ~30 ms and ~6 MB that spotui never uses. httpx
# handles the ImportError this causes and carries on without its CLI.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
# Likewise httpcore imports trio when it is installed (~4.6 MB and ~0.1 s here), for
# programs that run on trio; spotui runs on asyncio alone.
sys.modules.setdefault("trio", None)  # type: ignore[arg-type]

# Nothing is logged anywhere unless the user asks with --log (see spotui.logs).
logging.getLogger("spotui").addHandler(logging.NullHandler())
