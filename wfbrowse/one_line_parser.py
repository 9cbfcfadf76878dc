"""The subcommands' argument parser: bad arguments are one line and exit 2, like every other
failure of theirs.

Apart from subcommand.py so that `wfbrowse open FILE`, which is read without a parser, does
not import argparse before its first frame.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from wfbrowse.subcommand import USAGE, Failure


class OneLineParser(argparse.ArgumentParser):
    """Bad arguments are a Failure(USAGE): one line on stderr, exit 2."""

    def error(self, message: str) -> NoReturn:
        raise Failure(f"{message} (see `{self.prog} --help`)", USAGE)
