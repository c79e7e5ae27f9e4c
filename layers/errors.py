"""Exceptions raised by the loaders; they carry what a user interface needs to explain them."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "LayerCRSError",
    "LayerError",
    "LayerFormatError",
    "LayerSchemaError",
    "LayerSizeError",
    "UnsafeInputError",
]


class LayerError(Exception):
    """A file could not be turned into a canonical layer.

    ``message`` says what is wrong and ``hint`` what the user can do about it; both are Dutch
    because they are shown to users as they are. ``path`` names the offending file.
    """

    def __init__(self, message: str, *, hint: str = "", path: str | Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = str(path) if path is not None else None

    def one_line(self) -> str:
        """The message and the hint as one line, for a CLI or a status bar."""
        where = f"{self.path}: " if self.path else ""
        hint = f" {self.hint}" if self.hint else ""
        return f"{where}{self.message}{hint}".replace("\n", " ")


class LayerFormatError(LayerError, ValueError):
    """The file is not of a format we read, or it is damaged (empty, truncated, random bytes)."""


class LayerCRSError(LayerError, ValueError):
    """The coordinate reference system is missing or cannot be brought to EPSG:28992."""


class LayerSchemaError(LayerError, ValueError):
    """The file reads, but lacks what the canonical layer needs (columns, geometry type)."""


class UnsafeInputError(LayerError, ValueError):
    """The file tries something we refuse: XML entities, paths leaving an archive, a zip bomb."""


class LayerSizeError(LayerError, ValueError):
    """The input is larger than we are willing to read into memory at once."""
