"""``python -m app`` runs the ``bodnaarplot`` command line."""

import sys

from app.cli import main

sys.exit(main())
