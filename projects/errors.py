"""Exceptions of the project layer; they carry what a user interface needs to explain them."""

from __future__ import annotations

__all__ = [
    "ConflictError",
    "ConnectionLostError",
    "InputsError",
    "MigrationError",
    "ProjectError",
    "ProjectFileError",
    "StorageError",
]


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


class ConflictError(ProjectError):
    """Someone else changed the same record since it was read (optimistic concurrency)."""


class ProjectFileError(ProjectError):
    """The project file or server project cannot be used: missing, corrupt, foreign or too new."""


class MigrationError(ProjectError):
    """Upgrading a project to the current schema failed; the project was left unchanged."""


class StorageError(ProjectError):
    """Saving failed in the storage layer (disk full, file locked, read-only); nothing was saved."""


class ConnectionLostError(StorageError):
    """The connection to the server dropped; the transaction was rolled back."""
