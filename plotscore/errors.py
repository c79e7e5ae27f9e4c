"""Exceptions of the scoring engine; they carry what a user interface needs to explain them."""

from __future__ import annotations

__all__ = ["CRSMismatchError", "NetworkError", "ProfileError", "ScoringError"]


class ScoringError(Exception):
    """Scoring could not be done. ``message`` (Dutch) says what, ``hint`` what to do."""

    def __init__(self, message: str, *, hint: str = "", source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.source = source

    def one_line(self) -> str:
        """The message and the hint as one line, for a CLI or a status bar."""
        where = f"{self.source}: " if self.source else ""
        hint = f" {self.hint}" if self.hint else ""
        return f"{where}{self.message}{hint}".replace("\n", " ")


class ProfileError(ScoringError, ValueError):
    """A criteria profile (TOML) is invalid: unknown field, bad number, missing category."""


class CRSMismatchError(ScoringError, ValueError):
    """Inputs are not in EPSG:28992 metres (distances in degrees are never computed)."""


class NetworkError(ScoringError, ValueError):
    """The walking network cannot be built (no walkable ways, no connected part)."""
