"""The command-line face: ``main`` parses (:mod:`spotui.cli.main`), the command table
(:mod:`spotui.cli.table`), then one module per family; no Textual here.

This module stays light (no HTTP, no models): ``history stats`` and ``top`` start from it."""

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOTHING_PLAYING = 3
EXIT_SIGNED_OUT = 4


class Failure(Exception):
    """A command cannot go on: one line for stderr and an exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


def interrupted(error: BaseException | None) -> bool:
    """Ctrl-C, perhaps wrapped by Python in another error (a class being made)."""
    while error is not None:
        if isinstance(error, KeyboardInterrupt):
            return True
        error = error.__cause__ or error.__context__
    return False


def out(line: str = "") -> None:
    print(line, flush=True)
