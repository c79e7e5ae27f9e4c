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
    return parser


def _log_path() -> Path:
    return Path(tempfile.gettempdir()) / "bodnaarplot-error.log"


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from layers.errors import LayerError

    user_errors: tuple[type[BaseException], ...] = (LayerError,)
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
