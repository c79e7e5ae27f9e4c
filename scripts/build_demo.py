"""Build the bundled Delft demo dataset (resources/demo/delft_demo.gpkg) from ../shared/data.

Run from the repository root:  .venv/bin/python scripts/build_demo.py [--shared ../shared/data]

Everything goes through the project's own loaders, so the demo is exactly what a user gets
from the same files. What is derived (candidate plots, indicative zoning) is labelled as such
in the data itself; sources, licences and attribution lines are in resources/demo/README.md.
"""

from __future__ import annotations

import argparse
import tomllib
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from layers.canonical import RD_NEW, LayerKind, conform
from layers.native import write_native
from layers.osm import read_osm_areas
from layers.registry import load_path
from layers.result import LoadResult
from plotscore.criteria import list_profiles, load_profile
from plotscore.pipeline import network_buffer_m
from resources import resource

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "resources" / "demo" / "delft_demo.gpkg"

# The core of the OSM extract (lon 4.355–4.386, lat 51.995–52.005) in RD New; the extract also
# holds far-away members of route relations, which we leave out.
OSM_CORE = (84110.0, 445653.0, 86255.0, 446795.0)
# The walking network and the facilities reach as far around the plots as any bundled profile
# looks (its largest zero-score distance, plotscore.pipeline.network_buffer_m): a facility or a
# path just outside the plots' own area still counts. Beyond the extract's core the file holds
# only the ways and stops of transit routes through the area; the scoring engine sees where its
# network thins out and flags distances near that edge ("rand van het netwerk").
# Minimum areas for derived candidate plots: below this a surface is a parking bay or a
# building pit, not a site for a cluster of senior homes (12+ homes need roughly 1000 m²).
MIN_PARKING_M2 = 1000.0
MIN_CONSTRUCTION_M2 = 1000.0
# Non-residential BAG uses that make a pand a transformation candidate (wippolder file).
TRANSFORM_USES = ("kantoorfunctie", "bijeenkomstfunctie", "onderwijsfunctie")
TRANSFORM_STATUSES = ("Sloopvergunning verleend", "Pand buiten gebruik")
# CBS figures of the demo's gemeente (issue 20, demand): the wijken with age groups and the
# gemeente rows (2024: population; 2022: also the CBS nabijheid road distances).
DEMO_GEMEENTE = "0503"
CBS_FIGURES = (
    (
        "neighbourhoods_cbs_wijken_2024",
        "cbs_kwb/cbs_wijken_2024.geojson",
        "CBS Kerncijfers wijken en buurten 2024 (PDOK wijkenbuurten 2024, wijken), CC BY 4.0",
    ),
    (
        "neighbourhoods_cbs_gemeente_2024",
        "cbs_kwb/cbs_gemeenten_2024.geojson",
        "CBS Kerncijfers wijken en buurten 2024 (PDOK wijkenbuurten 2024, gemeenten), CC BY 4.0",
    ),
    (
        "neighbourhoods_cbs_gemeente_2022",
        "cbs_kwb/cbs_gemeenten_2022.geojson",
        "CBS Kerncijfers wijken en buurten 2022 (PDOK wijkenbuurten 2022, gemeenten; met nabijheid), CC BY 4.0",
    ),
)


def _one(results: list[LoadResult], kind: LayerKind) -> gpd.GeoDataFrame:
    for r in results:
        if r.kind == kind:
            return r.frame
    raise SystemExit(f"no {kind.value} layer found")


def _clip(frame: gpd.GeoDataFrame, bbox: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    box = shapely.box(*bbox)
    return frame.loc[frame.intersects(box)].reset_index(drop=True)


def build_buildings(shared: Path) -> gpd.GeoDataFrame:
    campus = _one(load_path(shared / "delft/bag/tudcampus_bag_panden.geojson"), LayerKind.BUILDINGS)
    wippolder = _one(load_path(shared / "delft/bag/wippolder_bag_pand.gpkg"), LayerKind.BUILDINGS)
    # The two files overlap at the northern edge; the PDOK-WFS file has gebruiksdoel, so it wins.
    keep = ~campus["identificatie"].isin(wippolder["identificatie"])
    cols = list(conform(campus.iloc[:0], LayerKind.BUILDINGS).columns)
    merged = pd.concat([campus.loc[keep], wippolder], ignore_index=True)
    merged = merged[[c for c in cols if c in merged.columns]]
    return conform(gpd.GeoDataFrame(merged, geometry="geometry", crs=RD_NEW), LayerKind.BUILDINGS)


def build_indicative_zoning(pbf: Path) -> gpd.GeoDataFrame:
    table = tomllib.loads(resource("zoning", "osm_landuse.toml").read_text(encoding="utf-8"))
    tags: dict[str, set[str] | None] = {}
    for rule in table["rules"]:
        tags.setdefault(rule["key"], set()).update(rule["values"])  # type: ignore[union-attr]
    areas = _clip(read_osm_areas(pbf, tags), OSM_CORE)
    rows = []
    for rule in table["rules"]:
        if rule["key"] not in areas.columns:
            continue
        hit = areas[areas[rule["key"]].isin(rule["values"])]
        for _, a in hit.iterrows():
            rows.append(
                {
                    "osm_id": a["osm_id"],
                    "naam": rule["naam"],
                    "bestemmingshoofdgroep": rule["hoofdgroep"],
                    "osm_tag": f"{rule['key']}={a[rule['key']]}",
                    "geometry": a.geometry,
                }
            )
    zoning = gpd.GeoDataFrame(rows, geometry="geometry", crs=RD_NEW).drop_duplicates("osm_id")
    # Overlaps: the smallest (most specific) area wins, so every point has one indicative class.
    zoning = zoning.assign(_a=zoning.area).sort_values("_a").reset_index(drop=True)
    taken = shapely.Polygon()
    geoms = []
    for g in zoning.geometry:
        part = shapely.make_valid(g).difference(taken)
        geoms.append(part)
        taken = shapely.union(taken, g)
    # Large areas (forests, water relations) reach far outside the extract: cut them to it.
    core = shapely.box(*OSM_CORE)
    zoning = zoning.set_geometry(gpd.GeoSeries(shapely.intersection(geoms, core), crs=RD_NEW))
    zoning["geometry"] = zoning.geometry.buffer(0)
    zoning = zoning.loc[zoning.area > 1.0].drop(columns="_a")
    zoning = zoning.explode(index_parts=False)
    zoning = zoning.loc[zoning.geom_type == "Polygon"].reset_index(drop=True)
    zoning["plan_id"] = table["plan_id"]
    zoning["plan_name"] = table["plan_name"]
    zoning["plan_status"] = table["plan_status"]
    zoning["feature_type"] = "enkelbestemming"
    return conform(zoning, LayerKind.ZONING)


def _street_names(points: gpd.GeoSeries, network: gpd.GeoDataFrame) -> list[str]:
    named = network.loc[
        network["name"].notna()
        & network["highway"].isin(
            ["residential", "tertiary", "secondary", "primary", "unclassified", "living_street", "pedestrian"]
        )
    ]
    probe = gpd.GeoDataFrame(geometry=points.reset_index(drop=True), crs=RD_NEW)
    joined = gpd.sjoin_nearest(probe, named[["name", "geometry"]], how="left", max_distance=150)
    joined = joined[~joined.index.duplicated()]
    return [str(n) if isinstance(n, str) else "" for n in joined["name"]]


def build_plots(pbf: Path, buildings: gpd.GeoDataFrame, network: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    areas = _clip(
        read_osm_areas(
            pbf, {"amenity": {"parking"}, "landuse": {"construction", "brownfield"}, "parking": None}
        ),
        OSM_CORE,
    )
    parts = []
    if "amenity" in areas.columns:
        parking = areas[(areas["amenity"] == "parking") & (areas.area >= MIN_PARKING_M2)]
        if "parking" in areas.columns:  # multi-storey and underground garages are not land
            parking = parking[~parking["parking"].isin(["multi-storey", "underground", "rooftop"])]
        parts.append(
            parking.assign(
                kind_label="Parkeerterrein",
                rule="osm:amenity=parking",
                reason=f"parkeerterrein ≥ {MIN_PARKING_M2:.0f} m² (OSM amenity=parking)",
            )
        )
    if "landuse" in areas.columns:
        cons = areas[
            areas["landuse"].isin(["construction", "brownfield"]) & (areas.area >= MIN_CONSTRUCTION_M2)
        ]
        parts.append(
            cons.assign(
                kind_label="Bouwterrein",
                rule="osm:landuse=" + cons["landuse"],
                reason=f"bouw- of braakliggend terrein ≥ {MIN_CONSTRUCTION_M2:.0f} m² (OSM landuse)",
            )
        )
    osm = pd.concat(parts, ignore_index=True)
    osm["src_id"] = "osm:" + osm["osm_id"].astype(str)
    names = _street_names(osm.geometry.representative_point(), network)
    own = (
        osm["name"].astype("string")
        if "name" in osm.columns
        else pd.Series(pd.NA, index=osm.index, dtype="string")
    )
    osm["name"] = [
        str(o) if isinstance(o, str) and o else (f"{k} {s}".strip() if s else k)
        for o, k, s in zip(own.tolist(), osm["kind_label"], names, strict=True)
    ]

    gd = buildings["gebruiksdoel"].fillna("")
    only_nonres = gd.str.contains("|".join(TRANSFORM_USES)) & ~gd.str.contains("woonfunctie")
    bag = buildings[only_nonres | buildings["status"].isin(TRANSFORM_STATUSES)].copy()
    bag["kind_label"] = "Transformatie pand"
    bag["rule"] = "bag:transformatie"
    bag["reason"] = [
        f"BAG-pand met status '{s}'" if s in TRANSFORM_STATUSES else f"niet-woongebouw ({g})"
        for s, g in zip(bag["status"], bag["gebruiksdoel"].fillna(""), strict=True)
    ]
    bag["src_id"] = "bag:" + bag["identificatie"].astype(str)
    bag_names = _street_names(bag.geometry.representative_point(), network)
    bag["name"] = [f"Pand {n}".strip() if n else "Pand" for n in bag_names]

    plots = pd.concat(
        [
            osm[["src_id", "name", "rule", "reason", "geometry"]],
            bag[["src_id", "name", "rule", "reason", "geometry"]],
        ],
        ignore_index=True,
    )
    plots = (
        gpd.GeoDataFrame(plots, geometry="geometry", crs=RD_NEW).sort_values("src_id").reset_index(drop=True)
    )
    plots["plot_id"] = [f"DLF-{i + 1:03d}" for i in range(len(plots))]
    plots["source"] = "afgeleid: " + plots["rule"]
    plots["area_m2"] = plots.area.round(1)
    # Same street, same kind: number them so names stay distinct in a workshop list.
    dup = plots.groupby("name").cumcount() + 1
    multi = plots.groupby("name")["name"].transform("size") > 1
    plots.loc[multi, "name"] = plots.loc[multi, "name"] + " (" + dup[multi].astype(str) + ")"
    return conform(plots, LayerKind.PLOTS)


def build_neighbourhoods(shared: Path, bbox: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    buurten = _one(load_path(shared / "delft/cbs/delft_buurten_2023.geojson"), LayerKind.NEIGHBOURHOODS)
    buurten = _clip(buurten, bbox)
    hh = _one(
        load_path(shared / "delft/cbs/DERIVED_cbs_buurten_2021_gem_huishoudgrootte.gpkg"),
        LayerKind.NEIGHBOURHOODS,
    )
    if "bu_naam_2023_delft" in hh.columns:
        size = (
            hh.dropna(subset=["bu_naam_2023_delft"])
            .groupby("bu_naam_2023_delft")["gemiddelde_huishoudsgrootte"]
            .first()
        )
        buurten["gemiddelde_huishoudsgrootte"] = buurten["name"].map(size)
    buurten["bron"] = "CBS/Kadaster Wijk- en buurtkaart 2023; huishoudsgrootte 2021"
    return conform(buurten, LayerKind.NEIGHBOURHOODS)


def build_cbs_figures(shared: Path) -> list[tuple[str, gpd.GeoDataFrame]]:
    """The CBS wijk and gemeente figures of the demo's gemeente, each row naming source and year."""
    out = []
    for name, rel, source in CBS_FIGURES:
        frame = _one(load_path(shared / rel, gemeente=DEMO_GEMEENTE), LayerKind.NEIGHBOURHOODS)
        frame["bron"] = source
        out.append((name, conform(frame, LayerKind.NEIGHBOURHOODS)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    shared: Path = args.shared
    pbf = shared / "delft/osm/tudelft_2025.osm.pbf"

    buildings = build_buildings(shared)
    osm = load_path(pbf)
    full_network = _one(osm, LayerKind.NETWORK_SOURCE)
    land_use = _clip(_one(osm, LayerKind.LAND_USE), OSM_CORE)
    zoning = build_indicative_zoning(pbf)
    plots = build_plots(pbf, buildings, _clip(full_network, OSM_CORE))
    buffer_m = max(network_buffer_m(load_profile(name)) for name in list_profiles())
    px = plots.total_bounds
    box = (px[0] - buffer_m, px[1] - buffer_m, px[2] + buffer_m, px[3] + buffer_m)
    network = _clip(full_network, box)
    facilities = _clip(_one(osm, LayerKind.FACILITIES), box)
    bbox = tuple(float(v) for v in buildings.total_bounds)
    neighbourhoods = build_neighbourhoods(shared, bbox)  # type: ignore[arg-type]
    cbs_figures = build_cbs_figures(shared)

    def res(kind: LayerKind, frame: gpd.GeoDataFrame) -> LoadResult:
        return LoadResult(kind=kind, frame=frame, source="scripts/build_demo.py")

    write_native(
        args.out,
        [
            ("buildings", res(LayerKind.BUILDINGS, buildings)),
            ("facilities", res(LayerKind.FACILITIES, facilities)),
            ("network_source", res(LayerKind.NETWORK_SOURCE, network)),
            ("neighbourhoods", res(LayerKind.NEIGHBOURHOODS, neighbourhoods)),
            ("plots", res(LayerKind.PLOTS, plots)),
            ("zoning_indicatief", res(LayerKind.ZONING, zoning)),
            ("land_use", res(LayerKind.LAND_USE, land_use)),
            *((name, res(LayerKind.NEIGHBOURHOODS, frame)) for name, frame in cbs_figures),
        ],
    )
    size_mb = args.out.stat().st_size / 1024**2
    print(f"wrote {args.out} ({size_mb:.1f} MB)")
    for name, f in [
        ("buildings", buildings),
        ("facilities", facilities),
        ("network_source", network),
        ("neighbourhoods", neighbourhoods),
        ("plots", plots),
        ("zoning_indicatief", zoning),
        ("land_use", land_use),
        *cbs_figures,
    ]:
        print(f"  {name}: {len(f)}")
    print("  facilities by category:", facilities["category"].value_counts().to_dict())
    print("  plots by rule:", plots["source"].value_counts().to_dict())
    print(f"  network and facilities: plots' bounding box + {buffer_m:.0f} m")


if __name__ == "__main__":
    main()
