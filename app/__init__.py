"""The PySide6 shell and the ``bodnaarplot`` command line.

This package is the only one that imports Qt; the CLI imports Qt lazily, only for the
commands that open a window, so headless commands run without a display.
"""
