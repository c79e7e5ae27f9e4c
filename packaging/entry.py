"""Entry point of the standalone bundle: the same CLI as the ``bodnaarplot`` console script."""

import sys

from cli.main import main

if __name__ == "__main__":
    sys.exit(main())
