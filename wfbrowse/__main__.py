"""`python -m wfbrowse`."""

import sys

from wfbrowse.cli import main

sys.exit(main())
