"""What the ``spotui`` subcommands do, one module per family; no Textual here."""

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOTHING_PLAYING = 3
EXIT_SIGNED_OUT = 4
