"""Which loader reads which file: a registry of source formats with cheap sniffers.

``probe(path)`` looks at a file once (suffix, first bytes, GDAL layers and their fields);
each :class:`SourceFormat` decides from that probe whether it can read the file. Loaders
register themselves here, so the CLI, the app and the project importer share one entry point:
:func:`load_path`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from layers.age import with_age_warning
from layers.canonical import LayerKind
from layers.errors import LayerFormatError
from layers.result import LoadResult
from layers.sources import check_file, check_xml_safe, gdal_layer_names, gdal_open_options

__all__ = [
    "FORMATS",
    "LayerProbe",
    "Probe",
    "SourceFormat",
    "detect",
    "has_layer",
    "load_path",
    "probe",
    "register",
    "restrict_to_layer",
]


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
    if kind is not None:
        # The user already said what it is: telling them to use --kind again helps nobody.
        readers = [f.label for f in FORMATS if kind in f.kinds and f.id != "native_gpkg"]
        layers = ", ".join(lp.name for lp in pr.layers) if len(pr.layers) > 1 else ""
        raise LayerFormatError(
            f"Dit bestand herkennen we niet als {kind.value}" + (f" (lagen: {layers})." if layers else "."),
            hint="Voor deze soort lezen we: " + "; ".join(readers) + ". "
            "Heeft het bestand meer lagen, kies er dan een met --layer.",
            path=pr.path,
        )
    raise LayerFormatError(
        "Dit bestand herkennen we niet.",
        hint="Kies met --kind wat het is, of gebruik een ondersteund formaat (zie README: laagsoorten).",
        path=pr.path,
    )


def restrict_to_layer(pr: Probe, layer: str) -> Probe:
    """The probe of one layer of a multi-layer file; a clear error when the file has no such layer.

    Exact names win; otherwise a case-insensitive match is accepted (GDAL layer names of one
    file never differ only in case in practice).
    """
    if not pr.layers:
        raise LayerFormatError(
            f"Dit bestand heeft geen lagen om uit te kiezen (gevraagd: laag '{layer}').",
            hint="Laat --layer weg voor dit bestand.",
            path=pr.path,
        )
    hits = [lp for lp in pr.layers if lp.name == layer] or [
        lp for lp in pr.layers if lp.name.lower() == layer.lower()
    ]
    if not hits:
        raise LayerFormatError(
            f"Het bestand heeft geen laag '{layer}'.",
            hint="Kies met --layer een van: " + ", ".join(lp.name for lp in pr.layers) + ".",
            path=pr.path,
        )
    return replace(pr, layers=(hits[0],))


def has_layer(path: str | Path, layer: str) -> bool:
    """True if ``path`` is a multi-layer file with a layer called ``layer`` (any case)."""
    pr = probe(path)
    return any(lp.name.lower() == layer.lower() for lp in pr.layers)


def load_path(
    path: str | Path,
    *,
    kind: LayerKind | None = None,
    kinds: Sequence[LayerKind] | None = None,
    layer: str | None = None,
    gtfs_date: Any = None,
    **options: Any,
) -> list[LoadResult]:
    """Read ``path`` into canonical layers; ``kind`` forces one kind (and skips sniffing others).

    ``layer`` reads one layer of a multi-layer file (detection looks at that layer only);
    ``gtfs_date`` is the service date of a GTFS feed and is ignored by every other format, so a
    command reading several files can pass it to all of them. Results whose data is older than
    two years carry a peildatum warning (:mod:`layers.age`).
    """
    pr = probe(path)
    if layer is not None:
        pr = restrict_to_layer(pr, layer)
        layer = pr.layers[0].name
    fmt = detect(pr, kind)
    wanted = [kind] if kind is not None else (list(kinds) if kinds else None)
    opts = dict(options)
    if gtfs_date is not None and "date" in fmt.options:
        opts["date"] = gtfs_date
    takes_layer = "layer" in fmt.options
    if layer is not None and takes_layer:
        opts["layer"] = layer
    results = fmt.load(pr.path, kinds=wanted, **opts)
    if layer is not None and not takes_layer:
        results = [r for r in results if r.layer is not None and r.layer.lower() == layer.lower()]
        if not results:
            raise LayerFormatError(
                f"{fmt.label} wordt als geheel gelezen; een losse laag ('{layer}') kiezen kan hier niet.",
                hint="Laat --layer weg voor dit bestand.",
                path=pr.path,
            )
    return [with_age_warning(r) for r in results]


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
        "layers.brk",
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
