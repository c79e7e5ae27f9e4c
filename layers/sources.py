"""Safe access to source files: existence and size checks, GDAL reads with clear errors,
XML safety checks, and archive extraction that never leaves its folder.

Loaders call these instead of pyogrio/zipfile directly, so every loader reports damaged,
empty or hostile input the same way.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from layers.errors import LayerFormatError, LayerSizeError, UnsafeInputError

__all__ = [
    "MAX_ARCHIVE_MEMBERS",
    "MAX_INPUT_BYTES",
    "MAX_UNPACKED_BYTES",
    "check_file",
    "check_xml_safe",
    "extract_zip_safely",
    "gdal_layer_names",
    "gdal_open_options",
    "list_layers",
    "read_vector",
]

# A 2 GB file is refused rather than read blindly: the loaders read whole layers into memory.
MAX_INPUT_BYTES = 2 * 1024**3
MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_ARCHIVE_MEMBERS = 100_000
_MAX_COMPRESSION_RATIO = 200

_GDAL_OPEN_OPTIONS_GML = {"WRITE_GFS": "NO"}


def check_file(path: str | Path, *, max_bytes: int = MAX_INPUT_BYTES) -> Path:
    """Return ``path`` as a Path if it is a readable, non-empty file (or folder) of sane size."""
    p = Path(path)
    if not p.exists():
        raise LayerFormatError("Het bestand bestaat niet.", hint="Controleer de naam en de map.", path=p)
    if p.is_dir():
        return p
    size = p.stat().st_size
    if size == 0:
        raise LayerFormatError(
            "Het bestand is leeg (0 bytes).", hint="Kies een ander bestand of download het opnieuw.", path=p
        )
    if size > max_bytes:
        gb = size / 1024**3
        raise LayerSizeError(
            f"Het bestand is te groot om in één keer te lezen ({gb:.1f} GB).",
            hint="Knip het eerst bij tot het gebied van de gemeente (bijv. met ogr2ogr -spat).",
            path=p,
        )
    return p


_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def check_xml_safe(path: str | Path) -> None:
    """Refuse XML with a DTD or entity declarations (external entities, entity bombs).

    Real GML, LVBAG and WFS responses never need a DTD; anything that declares one is refused
    before any parser sees it. The whole file is scanned in chunks (declarations may hide after
    a long comment).
    """
    p = Path(path)
    tail = b""
    with p.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            if _DOCTYPE.search(tail + chunk):
                raise UnsafeInputError(
                    "Het XML-bestand bevat een DOCTYPE- of ENTITY-declaratie; die lezen we niet "
                    "(externe entiteiten en entiteit-bommen zijn een veiligheidsrisico).",
                    hint="Gebruik het originele GML-bestand zonder DTD.",
                    path=p,
                )
            tail = chunk[-16:]


def _translate(exc: Exception, path: Path) -> LayerFormatError:
    text = str(exc)
    low = text.lower()
    if "not recognized as" in low or "not a supported file format" in low:
        msg = "Het bestand is geen geo-bestand dat we kunnen lezen (onbekend of beschadigd formaat)."
        hint = "Gebruik GeoPackage, GeoJSON, GML, OSM (.osm/.pbf), CSV of een GTFS-zip."
    elif "malformed" in low or "corrupt" in low or "truncated" in low or "not a database" in low:
        msg = "Het bestand is beschadigd of afgebroken."
        hint = "Download of exporteer het bestand opnieuw."
    else:
        first = text.splitlines()[0] if text else type(exc).__name__
        msg = f"Het bestand kon niet worden gelezen ({first[:200]})."
        hint = "Controleer of het bestand compleet is en het juiste formaat heeft."
    return LayerFormatError(msg, hint=hint, path=path)


def gdal_open_options(path: Path) -> dict[str, str] | None:
    """GDAL open options for GML: never write a ``.gfs`` sidecar next to the input.

    LVBAG XML (BAG extracts) is read by another driver that does not know the option.
    """
    suffix = path.suffix.lower()
    if suffix == ".gml":
        return _GDAL_OPEN_OPTIONS_GML
    if suffix == ".xml" and path.is_file():
        with path.open("rb") as fh:
            head = fh.read(4096).lower()
        return None if b"lvbag" in head else _GDAL_OPEN_OPTIONS_GML
    return None


def gdal_layer_names(path: str | Path) -> list[tuple[str, str | None]]:
    """The (name, geometry type) of each layer GDAL sees, without writing sidecars.

    ``pyogrio.list_layers`` takes no open options, so on GML it lets GDAL write a ``.gfs`` next
    to the input; GML layers are therefore counted one by one with ``read_info`` and
    ``WRITE_GFS=NO`` (after the XML safety check). Raises pyogrio's own errors.
    """
    p = Path(path)
    opts = gdal_open_options(p)
    if not opts:
        return [
            (str(name), None if gtype is None else str(gtype)) for name, gtype in pyogrio.list_layers(str(p))
        ]
    check_xml_safe(p)
    out: list[tuple[str, str | None]] = []
    while True:
        try:
            info = pyogrio.read_info(str(p), layer=len(out), **opts)
        except DataLayerError:
            return out
        gtype = info.get("geometry_type")
        out.append((str(info["layer_name"]), None if gtype is None else str(gtype)))


def list_layers(path: str | Path) -> list[tuple[str, str | None]]:
    """The (name, geometry type) of each layer GDAL sees, with errors translated."""
    p = Path(path)
    try:
        return gdal_layer_names(p)
    except (DataSourceError, DataLayerError, OSError, RuntimeError, UnicodeError) as exc:
        raise _translate(exc, p) from exc


def read_vector(path: str | Path, *, layer: str | int | None = None, **kwargs: Any) -> gpd.GeoDataFrame:
    """``pyogrio.read_dataframe`` with safe GML options and Dutch error messages.

    Broken multipolygons (e.g. in OSM extracts) do not abort the read: pass
    ``on_invalid="ignore"`` through ``kwargs`` and count the null geometries afterwards.
    """
    p = Path(path)
    if p.suffix.lower() in (".gml", ".xml"):
        check_xml_safe(p)
    for key, value in (gdal_open_options(p) or {}).items():
        kwargs.setdefault(key, value)
    try:
        return pyogrio.read_dataframe(str(p), layer=layer, **kwargs)
    except (
        DataSourceError,
        DataLayerError,
        FieldError,
        GeometryError,
        OSError,
        RuntimeError,
        UnicodeError,
    ) as exc:
        raise _translate(exc, p) from exc


def _safe_member_path(root: Path, name: str) -> Path:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts:
        raise UnsafeInputError(
            f"Het archief bevat een pad dat buiten de map wijst ('{name}').",
            hint="Pak het archief niet uit; vraag de leverancier om een correct bestand.",
            path=root,
        )
    target = (root / Path(*pure.parts)).resolve()
    if not target.is_relative_to(root.resolve()):
        raise UnsafeInputError(f"Het archief bevat een pad dat buiten de map wijst ('{name}').", path=root)
    return target


def extract_zip_safely(
    archive: str | Path, dest: str | Path, *, suffixes: tuple[str, ...] = ()
) -> list[Path]:
    """Extract ``archive`` into ``dest`` and return the extracted files.

    Refuses member paths that leave ``dest`` (``../``, absolute), too many members, a total
    unpacked size above :data:`MAX_UNPACKED_BYTES`, and compression ratios typical of zip
    bombs; sizes are enforced while reading, not trusted from the header. With ``suffixes``
    only members ending in one of them are extracted.
    """
    arc = Path(archive)
    root = Path(dest)
    root.mkdir(parents=True, exist_ok=True)
    try:
        zf = zipfile.ZipFile(arc)
    except (zipfile.BadZipFile, OSError) as exc:
        raise LayerFormatError(
            "Het zip-bestand is beschadigd of geen zip.", hint="Download het opnieuw.", path=arc
        ) from exc
    out: list[Path] = []
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_ARCHIVE_MEMBERS:
            raise UnsafeInputError("Het archief bevat te veel bestanden.", path=arc)
        total = 0
        for info in infos:
            target = _safe_member_path(root, info.filename)
            if suffixes and not info.filename.lower().endswith(suffixes):
                continue
            if (
                info.compress_size
                and info.file_size / max(info.compress_size, 1) > _MAX_COMPRESSION_RATIO
                and info.file_size > 10 * 1024**2
            ):
                raise UnsafeInputError(
                    "Het archief lijkt een zip-bom (extreem hoge compressie).",
                    hint="Gebruik een ander bestand.",
                    path=arc,
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, target.open("wb") as dst:
                    while block := src.read(1 << 20):
                        total += len(block)
                        if total > MAX_UNPACKED_BYTES:
                            raise UnsafeInputError(
                                "Uitgepakt wordt het archief te groot (mogelijk een zip-bom).", path=arc
                            )
                        dst.write(block)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                # A damaged member (bad header, CRC, truncated data) or an unsupported method.
                raise LayerFormatError(
                    f"Het zip-bestand is beschadigd ('{info.filename}' kan niet worden uitgepakt).",
                    hint="Download het opnieuw.",
                    path=arc,
                ) from exc
            out.append(target)
    return out
