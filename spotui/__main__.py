"""``python -m spotui``."""

import signal
import sys

try:
    from spotui.cli import main
except KeyboardInterrupt:  # Ctrl-C while spotui is still loading
    print("Interrupted.", file=sys.stderr)
    raise SystemExit(130) from None

code = main()
signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a late Ctrl-C must not interrupt the exit
raise SystemExit(code)
