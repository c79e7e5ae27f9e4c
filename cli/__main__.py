"""``python -m cli`` runs the ``bodnaarplot`` command line."""

import sys

from cli.main import main

sys.exit(main())
