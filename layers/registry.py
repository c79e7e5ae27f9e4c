"""Which loader reads which file: a registry of source formats with cheap sniffers.

``probe(path)`` looks at a file once (suffix, first bytes, GDAL layers and their fields);
each :class:`SourceFormat` decides from that probe whether it can read the file. Loaders
register themselves here, so the CLI, the app and the project importer share one entry point:
:func:`load_path`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from layers.canonical import LayerKind
from layers.errors import LayerFormatError
from layers.result import LoadResult
from layers.sources import check_file, check_xml_safe, gdal_layer_names, gdal_open_options

__all__ = ["FORMATS", "LayerProbe", "Probe", "SourceFormat", "detect", "load_path", "probe", "register"]


@dataclass(frozen=True, slots=True)
class LayerProbe:
    """One GDAL layer: name, geometry type, field names (lower case), feature count."""

    name: str
    geometry_type: str | None
    fields: tuple[str, ...]
    n_features: int
    crs: str | None = None


@dataclass(slots=True)
class Probe:
    """What a quick look at a path shows; computed once and handed to every sniffer."""

    path: Path
    suffix: str
    head: bytes
    is_dir: bool
    members: tuple[str, ...] = ()  # file names in a folder or zip archive (lower case)
    layers: tuple[LayerProbe, ...] = ()
    gdal_error: str | None = None

    def has_fields(self, *names: str, layer: str | None = None) -> bool:
        """True if some layer (or ``layer``) has all of ``names`` (case-insensitive)."""
        wanted = {n.lower() for n in names}
        return any(wanted <= set(lp.fields) for lp in self.layers if layer is None or lp.name == layer)

    def any_field(self, *names: str) -> bool:
        wanted = {n.lower() for n in names}
        return any(wanted & set(lp.fields) for lp in self.layers)


LoaderFn = Callable[..., list[LoadResult]]


@dataclass(frozen=True, slots=True)
class SourceFormat:
    """A family of source files and how to read it.

    ``load(path, kinds=..., **options)`` returns one :class:`LoadResult` per canonical kind it
    found (restricted to ``kinds`` when given). ``priority``: lower sniffs first.
    """

    id: str
    label: str
    kinds: tuple[LayerKind, ...]
    sniff: Callable[[Probe], bool]
    load: LoaderFn
    priority: int = 50
    options: dict[str, str] = field(default_factory=dict)


FORMATS: list[SourceFormat] = []


def register(fmt: SourceFormat) -> SourceFormat:
    """Add a format to the registry (idempotent by id)."""
    FORMATS[:] = [f for f in FORMATS if f.id != fmt.id]
    FORMATS.append(fmt)
    FORMATS.sort(key=lambda f: f.priority)
    return fmt


_GDAL_SUFFIXES = {
    ".gpkg",
    ".geojson",
    ".json",
    ".gml",
    ".xml",
    ".shp",
    ".fgb",
    ".sqlite",
    ".kml",
    ".csv",
    ".osm",
    ".pbf",
}


def probe(path: str | Path) -> Probe:
    """Look at ``path`` once: existence, size, first bytes, archive members, GDAL layers."""
    p = check_file(path)
    suffix = "".join(p.suffixes[-2:]).lower() if p.name.lower().endswith(".osm.pbf") else p.suffix.lower()
    if p.is_dir():
        members = tuple(sorted(c.name.lower() for c in p.iterdir()))
        return Probe(path=p, suffix="", head=b"", is_dir=True, members=members)
    with p.open("rb") as fh:
        head = fh.read(4096)
    pr = Probe(path=p, suffix=suffix, head=head, is_dir=False)
    if suffix == ".zip" or head[:4] == b"PK\x03\x04":
        import zipfile

        try:
            with zipfile.ZipFile(p) as zf:
                pr.members = tuple(sorted(Path(n).name.lower() for n in zf.namelist() if not n.endswith("/")))
        except (zipfile.BadZipFile, OSError) as exc:
            raise LayerFormatError(
                "Het zip-bestand is beschadigd of geen zip.", hint="Download het opnieuw.", path=p
            ) from exc
        return pr
    if suffix in (".tif", ".tiff"):
        return pr
    if suffix in (".gml", ".xml"):
        check_xml_safe(p)
    if suffix in _GDAL_SUFFIXES or suffix == ".osm.pbf":
        pr.layers = _gdal_layers(pr)
    return pr


def _gdal_layers(pr: Probe) -> tuple[LayerProbe, ...]:
    opts: dict[str, Any] = dict(gdal_open_options(pr.path) or {})
    try:
        names = gdal_layer_names(pr.path)  # no .gfs sidecar for GML
    except (DataSourceError, DataLayerError, OSError, RuntimeError, UnicodeError) as exc:
        pr.gdal_error = str(exc)
        return ()
    out = []
    for name, gtype in names:
        fields: tuple[str, ...] = ()
        n = -1
        crs: str | None = None
        if pr.suffix not in (".osm", ".osm.pbf"):  # counting OSM layers means reading them
            try:
                info = pyogrio.read_info(str(pr.path), layer=str(name), **opts)
                fields = tuple(str(f).lower() for f in info["fields"])
                n = int(info["features"])
                crs = None if info.get("crs") is None else str(info["crs"])
            except (DataSourceError, DataLayerError, OSError, RuntimeError, UnicodeError) as exc:
                pr.gdal_error = str(exc)
        out.append(LayerProbe(str(name), None if gtype is None else str(gtype), fields, n, crs))
    return tuple(out)


def detect(pr: Probe, kind: LayerKind | None = None) -> SourceFormat:
    """The first registered format that claims the probed file (and reads ``kind``)."""
    _ensure_loaders()
    for fmt in FORMATS:
        if kind is not None and kind not in fmt.kinds:
            continue
        if fmt.sniff(pr):
            return fmt
    if pr.gdal_error:
        raise LayerFormatError(
            "Het bestand is beschadigd, afgebroken of geen geo-bestand.",
            hint="Download of exporteer het opnieuw (GeoPackage, GeoJSON, GML, OSM, CSV, GTFS-zip of GeoTIFF).",
            path=pr.path,
        )
    wanted = f" als {kind.value}" if kind else ""
    raise LayerFormatError(
        f"Dit bestand herkennen we niet{wanted}.",
        hint="Kies met --kind wat het is, of gebruik een ondersteund formaat (zie README: laagsoorten).",
        path=pr.path,
    )


def load_path(
    path: str | Path,
    *,
    kind: LayerKind | None = None,
    kinds: Sequence[LayerKind] | None = None,
    **options: Any,
) -> list[LoadResult]:
    """Read ``path`` into canonical layers; ``kind`` forces one kind (and skips sniffing others)."""
    pr = probe(path)
    fmt = detect(pr, kind)
    wanted = [kind] if kind is not None else (list(kinds) if kinds else None)
    return fmt.load(pr.path, kinds=wanted, **options)


_LOADED = False


def _ensure_loaders() -> None:
    """Import the loader modules so they register themselves (kept lazy for start-up time)."""
    global _LOADED
    if _LOADED:
        return
    import importlib

    for mod in (
        "layers.native",
        "layers.bag",
        "layers.bestemmingsplan",
        "layers.osm",
        "layers.voorzieningen",
        "layers.gtfs",
        "layers.cbs",
        "layers.raster",
        "layers.plots",
    ):
        importlib.import_module(mod)
    _LOADED = True
