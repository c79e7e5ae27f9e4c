"""Export benchmark: the offline HTML web map of a project with 5,000 synthetic plots.

What is timed: ``projects.exports.write_html_map`` on a project file (plots reprojected to
WGS84, popups escaped, Leaflet inlined, written to a temp file and moved into place), median
of a few runs. Target: ≤ 2 s for 5k plots. Also the GIS package and the XLSX annex table, for
reference. Run as ``python -m bench.run --case export`` or directly: ``python -m bench.bench_export``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.cases import Row, Size

__all__ = ["case_export", "measure"]

TARGET_S = 2.0
N_PLOTS = 5_000
RUNS = 3


def measure(n: int = N_PLOTS, runs: int = RUNS) -> dict[str, list[float] | int]:
    """Times (s) of the three exports on a fresh project with ``n`` synthetic plots."""
    from bench import synthetic
    from projects import exports
    from projects.gis import write_gis_package
    from projects.imports import import_layer
    from projects.project import new_project
    from projects.reservations import reserve

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        plots = synthetic.plots(n)
        plots["name"] = [f"Kavel <{i}> & co" for i in range(n)]  # escaping is part of the work
        src = root / "plots.gpkg"
        plots.to_file(src, layer="plots", driver="GPKG")
        store = new_project(root / "p.gpkg", "Benchmark")
        try:
            import_layer(store, src, kind="plots")
            for i in range(0, min(n, 200), 4):
                reserve(store, f"S{i:07d}", "geclusterd", 10, 20, status="gereserveerd", years="2027")
            import os

            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            from app.export.pdf import write_reserved_map_pdf

            def pdf_a3(store: object, out: Path) -> Path:
                return write_reserved_map_pdf(store, out, page="A3", landscape=True)  # type: ignore[arg-type]

            times: dict[str, list[float] | int] = {"html": [], "gpkg": [], "xlsx": [], "pdf": []}
            size = 0
            for _ in range(runs):
                for key, write, name in (
                    ("html", exports.write_html_map, "kaart.html"),
                    ("gpkg", write_gis_package, "gis.gpkg"),
                    ("xlsx", exports.write_annex_table, "bijlage.xlsx"),
                    ("pdf", pdf_a3, "kaart-a3.pdf"),
                ):
                    t = time.perf_counter()
                    out = write(store, root / name)
                    times[key].append(time.perf_counter() - t)  # type: ignore[union-attr]
                    if key == "html":
                        size = out.stat().st_size
            times["html_bytes"] = size
        finally:
            store.close()
    return times


def case_export(size: Size) -> list[Row]:
    n = min(N_PLOTS, size.plots)
    res = measure(n)
    html_t = res["html"]
    assert isinstance(html_t, list)
    rows = [
        Row(
            "export",
            "offline HTML web map (folium, Leaflet inlined, JS styling)",
            f"{n:,} plots",
            statistics.median(html_t),
            len(html_t),
            target="≤ 2 s for 5k plots" if n == N_PLOTS else "",
            target_s=TARGET_S if n == N_PLOTS else None,
            note=f"{int(res['html_bytes']) / 1e6:.1f} MB HTML",  # type: ignore[arg-type]
        )
    ]
    pdf_t = res["pdf"]
    assert isinstance(pdf_t, list)
    rows.append(
        Row(
            "export",
            "reserved-location map, A3 landscape PDF (QPdfWriter vectors, legend, annex)",
            f"{n:,} plots",
            statistics.median(pdf_t),
            len(pdf_t),
            target="≤ 3 s for 5k plots" if n == N_PLOTS else "",
            target_s=3.0 if n == N_PLOTS else None,
        )
    )
    for key, label in (("gpkg", "GIS package with QGIS layer_styles"), ("xlsx", "annex table (XLSX)")):
        t = res[key]
        assert isinstance(t, list)
        rows.append(Row("export", label, f"{n:,} plots", statistics.median(t), len(t)))
    return rows


if __name__ == "__main__":
    for row in case_export(Size("direct", 0, N_PLOTS, 0, 0, (), 0, 0)):
        print(f"{row.operation}: {row.ours_s:.3f} s ({row.size}) {row.note}")
