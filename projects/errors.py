"""Exceptions of the project layer; they carry what a user interface needs to explain them."""

from __future__ import annotations

__all__ = ["InputsError", "ProjectError"]


class ProjectError(Exception):
    """A project operation failed. ``message`` (Dutch) says what, ``hint`` what to do."""

    def __init__(self, message: str, *, hint: str = "", path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path

    def one_line(self) -> str:
        """The message and the hint as one line, for a CLI or a status bar."""
        where = f"{self.path}: " if self.path else ""
        hint = f" {self.hint}" if self.hint else ""
        return f"{where}{self.message}{hint}".replace("\n", " ")


class InputsError(ProjectError, ValueError):
    """The layers needed for a task are missing or ambiguous."""
