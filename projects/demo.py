"""Build a fresh demo project from the bundled Delft dataset (for ``bodnaarplot demo``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from plotscore.progress import Progress, report, scaled
from projects import imports, project, reservations
from projects.store import ProjectStore
from resources import resource

__all__ = ["DEMO_LAYERS", "create_demo_project"]

DEMO_LAYERS = "delft_demo.gpkg"


def create_demo_project(target: str | Path, *, progress: Progress | None = None) -> ProjectStore:
    """Create ``target`` (.gpkg) with the demo layers imported and an example opgave."""
    spec = tomllib.loads(resource("demo", "demo_project.toml").read_text(encoding="utf-8"))
    report(progress, 0.0, "Demoproject aanmaken")
    store = project.new_project(
        target, spec["name"], gemeente_code=spec.get("gemeente_code"), gemeente_naam=spec.get("gemeente_naam")
    )
    layers = resource("demo", DEMO_LAYERS)
    imports.import_layer(store, str(layers), progress=scaled(progress, 0.05, 0.9))
    for row in spec.get("opgave", []):
        reservations.set_opgave(
            store, row["category"], row["period"], int(row["target"]), source=row.get("source")
        )
    report(progress, 1.0, "Demoproject klaar")
    return store
