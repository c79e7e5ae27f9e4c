"""Exports of a project for people outside the app: the reserved-location map as PDF, dossiers.

Submodules are imported lazily so ``import app.export.<other>`` does not load the PDF code.
"""

from __future__ import annotations

from typing import Any

__all__ = ["write_dossiers", "write_reserved_map_pdf"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from app.export import pdf

        return getattr(pdf, name)
    raise AttributeError(f"module 'app.export' has no attribute {name!r}")
