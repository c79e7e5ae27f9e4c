"""Writing output files whole or not at all: the one temp-file-then-rename helper.

Every file the project writes for a user (exports, copies, score tables, candidate lists, PDFs)
goes through :func:`atomic_output`: the content is written to a hidden temporary file in the
target's folder and moved onto the target only when complete, so a crash, a full disk or an
error half-way never leaves half a file, and an existing file is replaced in one step. One
error rule: anything the file system refuses becomes a :class:`StorageError` with a Dutch hint.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from projects.errors import InputsError, StorageError

__all__ = ["atomic_output", "check_output_file", "json_value", "write_frame"]


def json_value(value: Any) -> Any:
    """One cell made JSON-ready: missing (None, NA, NaN) → None, numpy scalars → Python."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def check_output_file(out: str | Path, suffixes: Sequence[str], what: str) -> Path:
    """Refuse a target with another suffix, or a folder, before any work is done."""
    target = Path(out)
    if target.suffix.lower() not in suffixes:
        raise InputsError(
            f"{what} kan alleen naar {' of '.join(suffixes)}, niet naar '{target.name}'.",
            hint=f"Geef een bestandsnaam op die op {' of '.join(suffixes)} eindigt.",
            path=str(target),
        )
    if target.is_dir():
        raise InputsError("Het uitvoerpad is een map.", hint="Geef een bestandsnaam op.", path=str(target))
    return target


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_output(target: str | Path, *, create_dirs: bool = True, durable: bool = False) -> Iterator[Path]:
    """A temporary path next to ``target`` (not yet created); moved onto ``target`` on success.

    The body writes the temporary path (it may create it, or a library may); on an exception the
    temporary file is removed and the exception propagates, the target untouched. OS errors of
    the body and of the final move become :class:`StorageError`. ``durable`` forces the content
    to disk before the move (project files: a power cut never leaves a renamed empty file).
    """
    target = Path(target)
    try:
        if create_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(
            prefix=f".{target.stem[:40]}-", suffix=f".tmp{target.suffix}", dir=target.parent
        )
    except OSError as exc:
        raise StorageError(
            f"Kan niet schrijven in de map {target.parent} ({exc.strerror or exc}).",
            hint="Kies een bestaande map waar u schrijfrechten heeft.",
            path=str(target),
        ) from exc
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # libraries such as GDAL refuse to write over an existing (empty) file
    try:
        try:
            yield tmp
        except OSError as exc:
            raise StorageError(
                f"'{target.name}' kon niet worden geschreven ({exc.strerror or exc}).",
                hint="Controleer schijfruimte en schrijfrechten en probeer opnieuw.",
                path=str(target),
            ) from exc
        if not tmp.exists():
            raise StorageError(
                f"'{target.name}' is niet geschreven.",
                hint="Probeer opnieuw; blijft het misgaan, meld het aan de ontwikkelaars.",
                path=str(target),
            )
        try:
            if durable:
                _fsync(tmp)
            os.replace(tmp, target)
        except OSError as exc:
            raise StorageError(
                f"Kan '{target.name}' niet opslaan ({exc.strerror or exc}).",
                hint="Is het bestand nog open in een ander programma (Excel, QGIS, een PDF-lezer)? "
                "Sluit het en probeer opnieuw.",
                path=str(target),
            ) from exc
    finally:
        tmp.unlink(missing_ok=True)


def write_frame(
    frame: gpd.GeoDataFrame,
    out: Path,
    *,
    layer: str,
    promote_to_multi: bool | None = None,
    notes: Sequence[str] = (),
) -> Path:
    """A result frame as a GeoPackage layer (with geometry) or a CSV with ``x_rd``/``y_rd``.

    The CSV carries a representative point of each geometry in RD New (two decimals), so any
    spreadsheet or GIS can place the rows. ``notes`` (what the run left out or flagged) travel
    with the numbers: a ``<layer>_notes`` table in the GeoPackage, a ``run_notes`` column in the
    CSV. Written through :func:`atomic_output`.
    """
    with atomic_output(out) as tmp:
        if out.suffix.lower() == ".gpkg":
            pyogrio.write_dataframe(frame, tmp, layer=layer, driver="GPKG", promote_to_multi=promote_to_multi)
            if notes:
                table_notes = pd.DataFrame({"nr": range(1, len(notes) + 1), "note": list(notes)})
                pyogrio.write_dataframe(table_notes, tmp, layer=f"{layer}_notes", driver="GPKG")
        else:
            point = frame.geometry.representative_point() if len(frame) else frame.geometry
            table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
            table.insert(0, "x_rd", point.x.round(2) if len(frame) else pd.Series([], dtype=float))
            table.insert(1, "y_rd", point.y.round(2) if len(frame) else pd.Series([], dtype=float))
            if notes:
                table["run_notes"] = " | ".join(notes)
            table.to_csv(tmp, index=False, encoding="utf-8")
    return out
