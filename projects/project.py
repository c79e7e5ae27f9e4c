"""Creating a project and saving a copy of it."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from plotscore.progress import Progress, report
from projects.errors import InputsError, StorageError
from projects.files import atomic_output
from projects.records import DEFAULT_CATEGORIES, project_row

if TYPE_CHECKING:
    from projects.store import ProjectStore


def new_project(
    target: str | Path,
    name: str,
    gemeente_code: str | None = None,
    gemeente_naam: str | None = None,
    categories: Sequence[str] | None = None,
    *,
    user: str | None = None,
) -> ProjectStore:
    """Create a project file (.gpkg) or server project with its housing categories."""
    from projects.store import ProjectStore

    if not name.strip():
        raise InputsError("Een project heeft een naam nodig.", hint="Geef --name op.")
    if gemeente_code is not None and not re.fullmatch(r"(GM)?\d{4}", gemeente_code.strip()):
        raise InputsError(
            f"'{gemeente_code}' is geen CBS-gemeentecode.",
            hint="Gebruik vier cijfers, bijv. 0503 voor Delft.",
        )
    cats = [c.strip() for c in (categories or DEFAULT_CATEGORIES) if c.strip()]
    if len(set(cats)) != len(cats) or not cats:
        raise InputsError(
            "De woningcategorieën zijn leeg of dubbel.", hint="Bijv. nultreden geclusterd zorggeschikt."
        )
    code = gemeente_code.strip().removeprefix("GM") if gemeente_code else None
    store = ProjectStore.create(
        target, name=name.strip(), gemeente_code=code, gemeente_naam=gemeente_naam, user=user
    )
    with store.session() as session:
        project_row(session).categories = cats
    return store


def save_copy(store: ProjectStore, out: str | Path, *, progress: Progress | None = None) -> Path:
    """Save a copy of the open project as a new project file (the open project stays open).

    A project file is copied with SQLite's online backup (consistent even while open); a
    server project is pulled into the file. Written to a temporary file, moved into place.
    """
    from projects.store import pull

    target = Path(out)
    if target.suffix.lower() != ".gpkg":
        raise InputsError(
            f"Een projectkopie moet de extensie .gpkg hebben, niet '{target.suffix}'.",
            hint="Kies een naam die op .gpkg eindigt.",
        )
    if target.exists():
        raise InputsError(
            "Dit bestand bestaat al.",
            hint="Kies een andere naam; bestaande bestanden worden niet overschreven.",
        )
    report(progress, 0.0, "Kopie maken")
    if not store.is_file:
        return pull(store.target_label, target, user=store.user)
    if Path(store.target_label).resolve() == target.resolve():
        raise InputsError("De kopie mag niet het project zelf zijn.", hint="Kies een andere naam.")
    try:
        with atomic_output(target, durable=True) as tmp:
            src = sqlite3.connect(store.target_label)
            dst = sqlite3.connect(tmp)
            try:
                src.backup(
                    dst,
                    pages=256,
                    progress=lambda _s, left, total: report(
                        progress, 1 - left / max(total, 1), "Kopie maken"
                    ),
                )
            finally:
                dst.close()
                src.close()
    except sqlite3.Error as exc:
        raise StorageError(
            f"De kopie kon niet worden gemaakt: {exc}",
            hint="Controleer schrijfrechten en schijfruimte.",
            path=str(target),
        ) from exc
    report(progress, 1.0, "Kopie klaar")
    return target
