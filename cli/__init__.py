"""The ``bodnaarplot`` command line: every capability of the core, headless.

It sits above ``app``: headless commands import only the Qt-free core (``projects`` and the
engines); the commands that open a window or paint a PDF import ``app`` lazily.
"""
