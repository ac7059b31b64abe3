"""``python -m spotui``."""

import os
import signal
import sys


def _interrupted(error: BaseException) -> bool:
    """Ctrl-C, perhaps wrapped by Python in another error (a class being made)."""
    while error is not None:
        if isinstance(error, KeyboardInterrupt):
            return True
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return False


try:
    from spotui.cli import main
except BaseException as exc:  # Ctrl-C while spotui is still loading
    if not _interrupted(exc):
        raise
    print("Interrupted.", file=sys.stderr)
    raise SystemExit(130) from None

code = main()
signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a late Ctrl-C must not interrupt the exit
if code == 130:  # interrupted: Python would end itself by SIGINT on the way out, not 130
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
raise SystemExit(code)
