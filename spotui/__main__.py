"""``python -m spotui`` and the ``spotui`` command.

Kept light, so that Ctrl-C from the first moment spotui runs is one line
("Interrupted.") and status 130, never a traceback.
"""

import os
import signal
import sys

from spotui.cli import interrupted


def run() -> None:
    """Run spotui and exit with its status."""
    try:
        from spotui.cli.main import main
    except BaseException as exc:  # Ctrl-C while spotui is still loading
        if not interrupted(exc):
            raise
        print("Interrupted.", file=sys.stderr)
        code = 130
    else:
        code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a late Ctrl-C must not stop the exit
    if code == 130:  # Python would end an interrupted run by SIGINT on its way out, not 130
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


if __name__ == "__main__":
    run()
