"""Data shipped with the tool: profiles, category and style tables, translations, demo data."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["resource"]


def resource(*parts: str) -> Traversable:
    """A file or folder inside ``resources/`` (works from a wheel as well as a checkout)."""
    node: Traversable = files("resources")
    for part in parts:
        node = node / part
    return node
