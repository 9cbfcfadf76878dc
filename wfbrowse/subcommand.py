"""What the scripting subcommands (`get`, `list`, `open`) and `keys` share: a failure that
ends a command with one line on stderr and an exit status, and the check of a --profile value.
(Their argument parser, whose errors are such failures, is in one_line_parser.py.)

Apart from keys_cli.py so that `wfbrowse open FILE` does not load the keys commands before
its first frame.
"""

from __future__ import annotations

from wfbrowse.settings import check_profile_name

USAGE = 2  # bad arguments, a bad value: the same status in every subcommand


class Failure(Exception):
    """A command that cannot go on: one line for stderr, and the exit status."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def profile_name(text: str) -> str:
    """A --profile value, checked; Failure(USAGE) with the reason otherwise."""
    try:
        return check_profile_name(text)
    except ValueError as error:
        raise Failure(str(error), USAGE) from None
