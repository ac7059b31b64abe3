"""``python -m spotui``."""

from spotui.cli import main

raise SystemExit(main())
