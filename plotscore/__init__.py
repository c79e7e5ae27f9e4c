"""The scoring engine: walking access to care, shops and transit for candidate plots.

Pure computation on canonical frames; no I/O of source formats, no Qt, no database.
"""
