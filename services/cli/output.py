"""Where `urban` writes: results to stdout; problems, messages and progress to stderr."""

import sys

from rich.console import Console

# Wide enough that a table piped to a file or another program keeps whole values.
PIPED_WIDTH = 200


def say(line: str) -> None:
    print(line, file=sys.stdout)


def warn(line: str) -> None:
    print(line, file=sys.stderr)


def stderr_console() -> Console:
    return Console(stderr=True)


def stdout_console() -> Console:
    return Console(width=None if sys.stdout.isatty() else PIPED_WIDTH)
