"""The ``bodnaarplot`` command line: every capability of the core, headless.

Errors from the core packages become one Dutch line on stderr and exit code 2; a bug becomes
one line plus the path of a log file with the traceback, exit code 1. No traceback is ever
printed to the user.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["main"]

EXIT_OK = 0
EXIT_BUG = 1
EXIT_USER_ERROR = 2

log = logging.getLogger("bodnaarplot")


def _cmd_inspect(args: argparse.Namespace) -> int:
    from layers.canonical import LayerKind
    from layers.inspect import inspect_path

    kind = LayerKind(args.kind) if args.kind else None
    info = inspect_path(args.path, kind=kind)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        print(_format_inspect(info))
    return EXIT_OK


def _format_inspect(info: dict[str, Any]) -> str:
    lines = [
        f"bestand:     {info['path']}",
        f"formaat:     {info['format']['label']}",
        f"bronlagen:   {', '.join(info['source_layers']) or '-'}",
        f"bron-CRS:    {info['source_crs'] or 'onbekend'}",
    ]
    for layer in [info, *info["layers"][1:]]:
        lines.append("")
        lines.append(
            f"soort:       {layer['kind']}" + (f"  (laag {layer['layer']})" if layer.get("layer") else "")
        )
        lines.append(f"objecten:    {layer['n_features']}")
        if layer is info:
            lines.append(f"CRS:         {info['crs']}")
        bbox = layer.get("bbox")
        lines.append("bbox:        " + (", ".join(f"{v:.2f}" for v in bbox) if bbox else "-"))
        if layer is info and info["columns"]:
            cols = ", ".join(f"{k} {v:g}%" for k, v in info["columns"].items())
            lines.append(f"kolommen:    {cols}")
        for col, counts in layer.get("counts", {}).items():
            top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            shown = ", ".join(f"{k} {v}" for k, v in top[:12])
            more = f", … (+{len(top) - 12})" if len(top) > 12 else ""
            lines.append(f"per {col}: {shown}{more}")
        if layer.get("warnings"):
            lines.append("waarschuwingen:")
            lines.extend(f"  - {w}" for w in layer["warnings"])
    return "\n".join(lines)


class _StderrProgress:
    """Progress lines on stderr for long steps: one line per new step or each 10 %."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.last_text = ""
        self.last_pct = -100

    def __call__(self, fraction: float, text: str) -> None:
        pct = int(fraction * 100)
        if self.quiet or (text == self.last_text and pct - self.last_pct < 10):
            return
        self.last_text, self.last_pct = text, pct
        print(f"  {pct:3d}%  {text}", file=sys.stderr, flush=True)


def _parse_rasters(items: Sequence[str]) -> dict[str, str]:
    from projects.errors import InputsError

    out: dict[str, str] = {}
    for item in items:
        key, sep, path = item.partition("=")
        if not sep or not key or not path:
            raise InputsError(
                f"--raster verwacht NAAM=PAD, niet '{item}'.", hint="Bijv. --raster geluid=lden.tif"
            )
        out[key] = path
    return out


def _cmd_score(args: argparse.Namespace) -> int:
    from plotscore.criteria import load_profile
    from projects.scoring import (
        check_output_path,
        gather_layers,
        run_summary,
        score_layer_files,
        write_scores,
    )

    if args.out:
        check_output_path(args.out)
    profile = load_profile(args.profile)
    progress = _StderrProgress(quiet=args.json and not args.out)
    progress(0.0, "Lagen lezen")
    inputs = gather_layers(
        args.inputs,
        plots=args.plots,
        facilities=args.facilities or (),
        network=args.network,
        zoning=args.zoning or (),
        neighbourhoods=args.neighbourhoods,
        exclusions=args.exclusions,
    )
    run = score_layer_files(
        inputs,
        profile,
        euclidean=args.euclidean,
        rasters=_parse_rasters(args.raster or ()),
        k=args.top,
        robustness_n=args.robustness_runs,
        seed=args.seed,
        progress=progress,
    )
    if args.out:
        path = write_scores(run, args.out)
        print(
            f"geschreven: {path} ({len(run.frame)} kavels, {len(run.frame.columns)} kolommen)",
            file=sys.stderr,
        )
    summary = run_summary(run, inputs, top=args.top)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(_format_score(summary))
    return EXIT_OK


def _format_score(s: dict[str, Any]) -> str:
    method = (
        "loopafstand over het netwerk" if s["method"] == "netwerk" else "HEMELSBREED (geen netwerk geladen)"
    )
    lines = [
        f"profiel:     {s['profile']} ({s['housing_category']}), tempo {s['pace_kmh']:g} km/u",
        f"methode:     {method}",
        f"kavels:      {s['n_plots']} (ontsloten: {s['n_ontsloten']})",
        f"capaciteit:  {s['capacity_total'][0]}–{s['capacity_total'][1]} woningen (indicatief)",
        "",
        f"top {len(s['top'])}:",
    ]
    for row in s["top"]:
        lines.append(
            f"{row['rank']:>3}. {row['plot_id']} {row.get('name') or ''} — score {row['score']:.1f}, "
            f"robuust {100 * (row.get('robustness') or 0):.0f}%, bestemming {row.get('zoning_class') or '-'}, "
            f"{row.get('capacity_min')}–{row.get('capacity_max')} woningen"
        )
        lines.append(f"     {row.get('explanation') or ''}")
    if s["notes"]:
        lines.append("")
        lines.append("opmerkingen:")
        lines.extend(f"  - {n}" for n in s["notes"])
    return "\n".join(lines)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bodnaarplot",
        description="Van Bod naar Plot: van de opgave ouderenhuisvesting naar gereserveerde locaties.",
    )
    parser.add_argument("--verbose", action="store_true", help="meer uitvoer (voor ontwikkelaars)")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDO")

    p = sub.add_parser("inspect", help="laat zien wat een bestand is (soort, aantal, CRS, bbox, kolommen)")
    p.add_argument("path", help="bestand of map (GPKG, GeoJSON, GML, OSM, CSV, GTFS, GeoTIFF, BAG-XML)")
    p.add_argument(
        "--kind",
        choices=[
            "buildings",
            "addresses",
            "zoning",
            "facilities",
            "network_source",
            "plots",
            "neighbourhoods",
            "raster",
        ],
        help="lees het bestand als deze soort",
    )
    p.add_argument("--json", action="store_true", help="één JSON-object op stdout")
    p.set_defaults(func=_cmd_inspect)

    p = sub.add_parser("score", help="beoordeel kavels op loopafstand, bestemming en capaciteit")
    p.add_argument(
        "inputs", nargs="*", help="laagbestanden; soorten worden herkend (bijv. de demo-GeoPackage)"
    )
    p.add_argument(
        "--profile",
        default="geclusterd",
        help="geclusterd, zorggeschikt, nultreden of een pad naar een .toml",
    )
    p.add_argument("--plots", help="bestand met kavels")
    p.add_argument("--facilities", action="append", help="bestand met voorzieningen (mag vaker)")
    p.add_argument("--network", help="OSM-bestand of laag met looppaden")
    p.add_argument("--zoning", action="append", help="bestemmingsplan (mag vaker)")
    p.add_argument("--neighbourhoods", help="CBS-buurten met inwonersaantallen")
    p.add_argument("--exclusions", help="vlakken die u uitsluit (kolom 'reason')")
    p.add_argument("--raster", action="append", metavar="NAAM=PAD", help="raster voor een rastercriterium")
    p.add_argument("--euclidean", action="store_true", help="hemelsbreed meten, ook als er een netwerk is")
    p.add_argument("--top", type=int, default=10, help="grootte van de top-k (robuustheid, overzicht)")
    p.add_argument("--robustness-runs", type=int, default=200, help="aantal verstoorde wegingen")
    p.add_argument("--seed", type=int, default=0, help="zaad voor de robuustheidsberekening")
    p.add_argument("--out", help="uitvoer: .gpkg (met geometrie) of .csv (alle kolommen)")
    p.add_argument("--json", action="store_true", help="samenvatting als één JSON-object op stdout")
    p.set_defaults(func=_cmd_score)
    return parser


def _log_path() -> Path:
    return Path(tempfile.gettempdir()) / "bodnaarplot-error.log"


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from layers.errors import LayerError
    from plotscore.errors import ScoringError
    from projects.errors import ProjectError

    user_errors: tuple[type[BaseException], ...] = (LayerError, ScoringError, ProjectError)
    try:
        return func(args)
    except user_errors as exc:
        print(f"fout: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("afgebroken.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the outermost boundary: log it, never show a traceback
        path = _log_path()
        path.write_text(traceback.format_exc(), encoding="utf-8")
        print(
            f"interne fout: {type(exc).__name__}: {str(exc)[:200]} "
            f"(details in {path}; meld dit aan de ontwikkelaars)",
            file=sys.stderr,
        )
        return EXIT_BUG


def _one_line(exc: BaseException) -> str:
    one = getattr(exc, "one_line", None)
    text = one() if callable(one) else str(exc)
    return str(text).replace("\n", " ")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bodnaarplot`` console script."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(message)s")
    if not args.verbose:
        # Library warnings (GDAL, pandas) are for developers; loaders report what users need.
        warnings.simplefilter("ignore")
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    return _run(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
