"""``shadow`` / ``python -m shadow``: the command line, which opens the TUI when given no command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
