"""The ``bodnaarplot`` command line: every capability of the core, headless.

Errors from the core packages become one Dutch line on stderr and exit code 2; a bug becomes
one line plus the path of a log file with the traceback, exit code 1. No traceback is ever
printed to the user.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import os
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["main"]

# The canonical layer kinds (layers.canonical.LayerKind), spelled out so the parser can be built
# without importing geopandas; tests/app/test_cli_inspect.py checks they stay in step.
VECTOR_KINDS = (
    "buildings",
    "addresses",
    "zoning",
    "facilities",
    "network_source",
    "plots",
    "neighbourhoods",
    "land_use",
)

EXIT_OK = 0
EXIT_BUG = 1
EXIT_USER_ERROR = 2
# 128 + SIGPIPE: what a Unix tool reports when the reader of its output went away.
EXIT_BROKEN_PIPE = 141

log = logging.getLogger("bodnaarplot")


def _cmd_inspect(args: argparse.Namespace) -> int:
    from layers.canonical import LayerKind
    from layers.inspect import inspect_path

    kind = LayerKind(args.kind) if args.kind else None
    info = inspect_path(args.path, kind=kind, layer=args.layer, gtfs_date=args.gtfs_date)
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
        for detail in layer.get("details", []):
            lines.append(detail)
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
    from projects.errors import InputsError
    from projects.scoring import (
        check_output_path,
        gather_layers,
        plan_tiles,
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
        layer=args.layer,
        gtfs_date=args.gtfs_date,
    )
    if args.workers < 1:
        raise InputsError(f"--workers {args.workers}: minstens 1 proces.", hint="Bijv. --workers 2.")
    tiles = plan_tiles(args.tiles, inputs.plots, gemeenten=args.gemeenten) if args.tiles else None
    run = score_layer_files(
        inputs,
        profile,
        euclidean=args.euclidean,
        rasters=_parse_rasters(args.raster or ()),
        k=args.top,
        robustness_n=args.robustness_runs,
        seed=args.seed,
        progress=progress,
        tiles=tiles,
        workers=args.workers,
    )
    if run.tile_stats and not (args.json and not args.out):
        _print_tiles(run.tile_stats)
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


def _print_tiles(stats: Sequence[Mapping[str, Any]]) -> None:
    """Per tile: plots, network nodes, seconds for graph and distances, the worker's peak memory."""
    print(
        f"{len(stats)} {'tegel' if len(stats) == 1 else 'tegels'} (kavels, knopen, seconden netwerk + "
        "afstanden, piekgeheugen van de werker):",
        file=sys.stderr,
    )
    for t in sorted(stats, key=lambda t: -float(t["total_s"])):
        if not t["plots"]:  # facilities far from every plot: is a way near them?
            print(
                f"  {t['name']}: {t['facilities']} voorzieningen nagekeken, {t['total_s']:.1f} s",
                file=sys.stderr,
            )
            continue
        print(
            f"  {t['name']}: {t['plots']} kavels, {t['nodes']} knopen, {t['graph_s']:.1f} s + "
            f"{t['distances_s'] + t['older_s']:.1f} s, {t['worker_peak_rss_mb']:.0f} MB",
            file=sys.stderr,
        )


def _format_score(s: dict[str, Any]) -> str:
    if s["method"] == "netwerk":
        method = "loopafstand over het netwerk"
    elif s.get("network_loaded"):
        method = "HEMELSBREED (gevraagd met --euclidean)"
    else:
        method = "HEMELSBREED (geen netwerk geladen)"
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
        if row.get("capacity_basis"):
            lines.append(f"     capaciteit: {row['capacity_basis']}")
        lines.append(f"     {row.get('explanation') or ''}")
    if s["notes"]:
        lines.append("")
        lines.append("opmerkingen:")
        lines.extend(f"  - {n}" for n in s["notes"])
    return "\n".join(lines)


def _open_project(target: str) -> Any:
    """Open a project file (.gpkg) or server project (database URL)."""
    from projects.store import ProjectStore

    return ProjectStore.open(target)


def _cmd_project_new(args: argparse.Namespace) -> int:
    from projects.project import new_project

    categories = [c for item in (args.categories or []) for c in item.split(",") if c.strip()] or None
    store = new_project(
        args.project,
        args.name,
        gemeente_code=args.gemeente,
        gemeente_naam=args.gemeente_naam,
        categories=categories,
    )
    try:
        print(f"project aangemaakt: {store.target_label}")
    finally:
        store.close()
    return EXIT_OK


def _cmd_project_import(args: argparse.Namespace) -> int:
    from projects.imports import import_layer

    options = _read_options(args.file, args.kind, layer=args.layer, gtfs_date=args.gtfs_date)
    with _open_project(args.project) as store:
        progress = _StderrProgress()
        layers = import_layer(store, args.file, kind=args.kind, progress=progress, **options)
        for ls in layers:
            extra = ""
            if ls.kind == "plots":
                meta = ls.meta or {}
                extra = f" (kavels: {meta.get('plots_added', 0)} nieuw, {meta.get('plots_updated', 0)} bijgewerkt)"
            print(f"geïmporteerd: {ls.kind} → {ls.table_name}, {ls.feature_count} objecten{extra}")
            for w in ls.warnings or []:
                print(f"  waarschuwing: {w}")
    return EXIT_OK


def _read_options(path: str, kind: str | None, *, layer: str | None, gtfs_date: str | None) -> dict[str, Any]:
    """The loader options of ``--layer`` / ``--gtfs-date`` for one file, checked before any write.

    A service date for a file that is no timetable is a mistake worth saying, not ignoring.
    """
    from layers.canonical import LayerKind
    from layers.errors import LayerFormatError
    from layers.registry import detect, probe, restrict_to_layer

    options: dict[str, Any] = {}
    if layer is not None:
        options["layer"] = layer
    if gtfs_date is not None:
        pr = probe(path)
        if layer is not None:
            pr = restrict_to_layer(pr, layer)
        fmt = detect(pr, LayerKind(kind) if kind else None)
        if "date" not in fmt.options:
            raise LayerFormatError(
                f"--gtfs-date geldt alleen voor een GTFS-dienstregeling; dit bestand is: {fmt.label}.",
                hint="Laat --gtfs-date weg voor dit bestand.",
                path=path,
            )
        options["gtfs_date"] = gtfs_date
    return options


def _cmd_project_info(args: argparse.Namespace) -> int:
    from projects.views import project_info

    with _open_project(args.project) as store:
        info = project_info(store)
    if args.json:
        print(json.dumps(info.to_json(), ensure_ascii=False, indent=2))
    else:
        print(_format_project_info(info))
    return EXIT_OK


def _format_project_info(info: Any) -> str:
    p = info.project
    gemeente = " ".join(x for x in (p.gemeente_code, p.gemeente_naam) if x) or "-"
    lines = [
        f"project:       {p.name} (gemeente {gemeente})",
        f"opslag:        {info.target}",
        f"revisie:       {p.revision}, gewijzigd {str(p.modified_at or '-')[:16].replace('T', ' ')}",
        f"categorieën:   {', '.join(p.categories)}",
        f"kavels:        {info.plots}",
    ]
    by_status = info.reservations_by_status
    shown = ", ".join(f"{s} {n}" for s, n in by_status.items())
    lines.append(f"reserveringen: {sum(by_status.values())}" + (f" ({shown})" if shown else ""))
    lines.append("lagen:" if info.layers else "lagen:         nog geen (project import)")
    for ls in info.layers:
        date = f", peildatum {ls.data_date}" if ls.data_date else ""
        lines.append(f"  {ls.table}: {ls.kind}, {ls.features} objecten, {ls.label}{date}")
        if str(ls.source or "").startswith(("http://", "https://")):
            lines.append(f"      bron: {ls.source}")
    if info.opgave:
        lines.append("opgave:")
        for o in info.opgave:
            src = f" ({o['source']})" if o.get("source") else ""
            lines.append(
                f"  {o['category']} {o['period']} {o.get('wijk') or 'hele gemeente'}: {o['target_homes']}{src}"
            )
    for r in info.reservations:
        if r is info.reservations[0]:
            lines.append("reserveringen:")
        lines.append("  " + _format_reservation_line(r))
    if info.partners:
        lines.append("partners:      " + "; ".join(f"{x['name']} ({x['type']})" for x in info.partners))
    for w in info.workshops:
        lines.append(f"werksessie {w['id']}: {w['date']} {w['title']} ({w['decisions']} besluiten)")
    for s in info.score_snapshots:
        weging = f", {s['weighting']}" if s.get("weighting") else ""
        lines.append(
            f"scoreronde {s['id']}: {s['profile']} ({s['method']}{weging}), {s['created_at']} → {s['table']}"
        )
    return "\n".join(lines)


def _format_reservation_line(r: dict[str, Any]) -> str:
    cap = (
        f"{r['capacity_min']}"
        if r["capacity_min"] == r["capacity_max"]
        else f"{r['capacity_min']}–{r['capacity_max']}"
    )
    years = ""
    if r.get("year_start") is not None:
        years = f", {r['year_start']}" + (
            f"–{r['year_end']}" if r.get("year_end") not in (None, r["year_start"]) else ""
        )
    partners = f", partners: {r['partners_text']}" if r.get("partners_text") else ""
    return (
        f"reservering {r['fid']}: kavel {r['plot_id']}, {r['category']}, {cap} woningen (opgegeven), "
        f"{r['status']}{years}{partners} (versie {r['version']})"
    )


def _cmd_project_score(args: argparse.Namespace) -> int:
    from projects.snapshots import latest_snapshot, score_project

    with _open_project(args.project) as store:
        progress = _StderrProgress(quiet=args.json)
        run = score_project(
            store,
            args.profile,
            euclidean=args.euclidean,
            top=args.top,
            weighting_key=args.weighting,
            progress=progress,
        )
        snap = latest_snapshot(store, run.profile.id)
    if snap is None:  # pragma: no cover - score_project always stores one
        return EXIT_BUG
    summary = {**snap.summary, "snapshot": {"id": snap.id, "table": snap.table_name}}
    print(f"opgeslagen als scoreronde {snap.id} (tabel {snap.table_name})", file=sys.stderr)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    else:
        print(_format_score(summary))
    return EXIT_OK


def _cmd_project_opgave(args: argparse.Namespace) -> int:
    from projects.reservations import set_opgave

    with _open_project(args.project) as store:
        row = set_opgave(store, args.category, args.period, args.target, wijk=args.wijk, source=args.source)
    where = row.wijk or "hele gemeente"
    print(f"opgave: {row.category} {row.period_start}-{row.period_end} {where}: {row.target_homes} woningen")
    return EXIT_OK


def _reservation_dict(res: Any) -> dict[str, Any]:
    from projects.reservations import RESERVATION_COLUMNS

    return {k: getattr(res, k) for k in RESERVATION_COLUMNS}


def _cmd_project_reserve(args: argparse.Namespace) -> int:
    from projects.records import parse_capacity, parse_partner
    from projects.reservations import reserve

    lo, hi = parse_capacity(args.capacity)
    partners = [parse_partner(p) for p in args.partner] if args.partner else None
    with _open_project(args.project) as store:
        res = reserve(
            store,
            args.plot_id,
            args.category,
            lo,
            hi,
            status=args.status,
            years=args.years,
            partners=partners,
            land_owner=args.land_owner,
            notes=args.notes,
            workshop_id=args.workshop,
            expected_version=args.expected_version,
            wijk=args.wijk,
            segment=args.segment,
            split=args.split,
        )
        checked = _reservation_checks(store, int(res.fid))
    row = _reservation_dict(res)
    if args.json:
        print(json.dumps({**row, **checked}, ensure_ascii=False, indent=2))
    else:
        print(_format_reservation_line(row))
        print(f"  schatting van de tool: {checked['estimate'] or 'geen (geen oppervlakte of plan)'}")
        print(f"  drieslag: {checked['drieslag']}")
        for warning in checked["warnings"]:
            print(f"waarschuwing: {warning}")
    return EXIT_OK


def _reservation_checks(store: Any, fid: int) -> dict[str, Any]:
    """What the ledger says about one reservation: the estimate, the drieslag and its warnings."""
    from projects.views import project_ledger

    return project_ledger(store).about(fid)


def _cmd_project_status(args: argparse.Namespace) -> int:
    from projects.reservations import set_status

    with _open_project(args.project) as store:
        res = set_status(
            store, args.reservation, args.status, expected_version=args.expected_version, notes=args.notes
        )
    print(_format_reservation_line(_reservation_dict(res)))
    return EXIT_OK


def _cmd_project_workshop(args: argparse.Namespace) -> int:
    from projects.workshops import new_workshop

    with _open_project(args.project) as store:
        w = new_workshop(store, args.title, date=args.date, participants=args.participant or ())
    who = f", deelnemers: {', '.join(w.participants)}" if w.participants else ""
    print(f"werksessie {w.id}: {w.date.isoformat()} {w.title}{who}")
    return EXIT_OK


def _cmd_project_decision(args: argparse.Namespace) -> int:
    from projects.workshops import log_decision

    with _open_project(args.project) as store:
        w = log_decision(store, args.workshop, args.text, plot_id=args.plot)
    print(f"besluit vastgelegd in werksessie {w.id} ({len(w.decisions)} besluiten)")
    return EXIT_OK


def _cmd_project_minutes(args: argparse.Namespace) -> int:
    """The minutes of a workshop: PDF and/or Markdown files, or Markdown on stdout."""
    with _open_project(args.project) as store:
        if not (args.pdf or args.md):
            from projects.workshops import workshop_minutes

            sys.stdout.write(workshop_minutes(store, args.workshop))
            return EXIT_OK
        from app.export.minutes import save_minutes

        for target in (args.pdf, args.md):
            if target:
                print(f"verslag geschreven: {save_minutes(store, args.workshop, target)}")
    return EXIT_OK


def _cmd_project_partner(args: argparse.Namespace) -> int:
    from projects.reservations import add_partner

    with _open_project(args.project) as store:
        p = add_partner(store, args.name, args.type, contact=args.contact)
    print(f"partner {p.id}: {p.name} ({p.type})")
    return EXIT_OK


def _cmd_project_export(args: argparse.Namespace) -> int:
    from projects.gis import write_gis_package as export_gpkg

    with _open_project(args.project) as store:
        path = export_gpkg(store, args.out)
    print(f"geëxporteerd: {path}")
    return EXIT_OK


def _cmd_ledger(args: argparse.Namespace) -> int:
    from projects.ledger import ledger_json, ledger_text
    from projects.views import project_ledger

    moment, header = _as_of(args.as_of)
    with _open_project(args.project) as store:
        if moment is None:
            book = project_ledger(store)
        else:
            from projects.audit_state import ledger_at

            book = ledger_at(store, moment)
        # The derived opgave is today's estimate beside today's bod: not part of an earlier moment.
        derived = _derived_opgave(store) if moment is None else None
    if args.json:
        if derived is not None:
            from projects.demand import with_derived_opgave

            # The derived opgave beside the bod in the period rows; the bod stays as entered.
            book = dataclasses.replace(book, periods=with_derived_opgave(book.periods, derived))
        data = ledger_json(book)
        if moment is not None:
            data = {"as_of": {"moment": moment.isoformat(), "text": header}, **data}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        if header:
            print(header)
            print()
        print(ledger_text(book))
        if derived is not None:
            from projects.demand import derived_opgave_lines

            print()
            print("\n".join(derived_opgave_lines(derived)))
    return EXIT_OK


def _cmd_monitor(args: argparse.Namespace) -> int:
    from projects.exports import write_monitor

    moment, header = _as_of(args.as_of)
    with _open_project(args.project) as store:
        path = write_monitor(store, args.out, moment)
    if header:
        print(header)
    print(f"monitor geschreven: {path}")
    return EXIT_OK


def _as_of(text: str | None) -> tuple[Any, str]:
    """(the moment, its header line) of ``--as-of``; (None, "") for today's ledger."""
    if text is None:
        return None, ""
    from projects.audit_state import as_of_line, parse_moment

    moment = parse_moment(text)
    return moment, as_of_line(moment)


def _cmd_project_history(args: argparse.Namespace) -> int:
    from projects.history import history, history_json, history_text

    with _open_project(args.project) as store:
        entries = history(store, args.plot_id, limit=args.limit)
    if args.json:
        print(json.dumps(history_json(entries), ensure_ascii=False, indent=2))
    else:
        print(history_text(entries))
    return EXIT_OK


def _cmd_project_plot(args: argparse.Namespace) -> int:
    from projects.capacity import reservation_check
    from projects.plots import set_keep_buildings
    from projects.records import plot_row
    from projects.views import project_info_categories

    with _open_project(args.project) as store:
        if args.keep_buildings is not None:
            set_keep_buildings(store, args.plot_id, args.keep_buildings)
        with store.session() as session:
            keep = plot_row(session, args.plot_id).keep_buildings
        checks = [reservation_check(store, args.plot_id, c, 0, 0) for c in project_info_categories(store)]
    words = "bestaande bebouwing blijft" if keep else "bestaande bebouwing telt niet mee (kan weg)"
    print(f"kavel {args.plot_id}: {words}")
    for check in checks:
        print(f"  schatting {check.category}: {check.estimate or 'geen (geen oppervlakte of plan)'}")
    return EXIT_OK


def _derived_opgave(store: Any) -> Any:
    """The demand view for the ledger's "afgeleide opgave" line (None without CBS figures)."""
    from projects.demand import demand_view

    view = demand_view(store, with_distances=False)
    return view if view.gemeente is not None else None


def _cmd_demand(args: argparse.Namespace) -> int:
    from projects.demand import demand_json, demand_text, demand_view

    with _open_project(args.project) as store:
        view = demand_view(
            store,
            horizon=args.horizon,
            with_distances=not args.no_distances,
            progress=_StderrProgress(args.json),
        )
    if args.json:
        print(json.dumps(demand_json(view), ensure_ascii=False, indent=2))
    else:
        print(demand_text(view))
    return EXIT_OK


def _add_demand_parser(sub: Any) -> None:
    p = sub.add_parser(
        "demand",
        help="de vraag uit de demografie: ouderen per wijk, afgeleide opgave per categorie naast het bod, "
        "CBS-afstand naast loopafstand",
    )
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("--horizon", type=int, help="horizonjaar van de afgeleide opgave (standaard 2030)")
    p.add_argument(
        "--no-distances",
        action="store_true",
        help="zonder de vergelijking CBS-afstand/loopafstand (sneller; geen loopnetwerk nodig)",
    )
    p.add_argument("--json", action="store_true", help="alles als één JSON-object op stdout")
    p.set_defaults(func=_cmd_demand)


def _cmd_project_push(args: argparse.Namespace) -> int:
    from projects.store import push

    label = push(args.project, args.db)
    print(f"project naar de server gezet: {label}")
    return EXIT_OK


def _cmd_project_pull(args: argparse.Namespace) -> int:
    from projects.store import pull

    path = pull(args.db, args.out, project_uid=args.project_uid)
    print(f"project van de server gehaald: {path}")
    return EXIT_OK


def _parse_base_urls(items: Sequence[str]) -> dict[str, str]:
    """``SERVICE=URL`` pairs of ``fetch --base-url`` (mirrors, the test servers)."""
    from layers.online.config import SERVICES
    from projects.errors import InputsError

    out: dict[str, str] = {}
    for item in items:
        name, sep, url = item.partition("=")
        name = name.strip().lower()
        if not sep or not url.strip():
            raise InputsError(
                f"--base-url verwacht DIENST=URL, niet '{item}'.",
                hint="Bijv. --base-url bag=https://spiegel.example.nl/bag",
            )
        if name not in SERVICES:
            raise InputsError(
                f"Onbekende dienst '{name}' in --base-url.", hint=f"Kies uit: {', '.join(SERVICES)}."
            )
        if not url.strip().lower().startswith(("http://", "https://")):
            raise InputsError(
                f"De URL voor {name} moet met http:// of https:// beginnen: '{url}'.",
                hint="Bijv. --base-url bag=https://spiegel.example.nl/bag",
            )
        out[name] = url.strip()
    return out


def _read_key_file(path: str) -> str:
    from projects.errors import InputsError

    try:
        key = Path(path).expanduser().read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise InputsError(
            f"Het sleutelbestand '{path}' kan niet worden gelezen ({exc.strerror or exc}).",
            hint="Geef een tekstbestand met alleen de API-sleutel, of zet BODNAARPLOT_RP_API_KEY.",
        ) from exc
    if not key:
        raise InputsError(f"Het sleutelbestand '{path}' is leeg.", hint="Zet de API-sleutel in het bestand.")
    return key


def _is_server_url(target: str) -> bool:
    return "://" in target


def _fetch_json(report: Any) -> dict[str, Any]:
    return {
        "area": report.area.label,
        "area_km2": round(report.area.area_km2, 3),
        "gemeente_code": report.area.gemeente_code,
        "ok": report.ok,
        "layers": [
            {
                "key": o.key,
                "title": o.title,
                "ok": o.ok,
                "error": o.error.one_line() if o.error is not None else None,
                "source_url": o.source_url,
                "retrieved_at": o.retrieved_at,
                "from_cache": o.from_cache,
                "notes": list(o.notes),
                "stored": [
                    {"kind": ls.kind, "count": ls.feature_count, "table": ls.table_name, "label": ls.label}
                    for ls in o.stored
                ],
            }
            for o in report.outcomes
        ],
    }


def _cmd_fetch(args: argparse.Namespace) -> int:
    from layers.online.config import load_config
    from projects.fetch import fetch_into_project, parse_layer_list, resolve_area
    from projects.project import new_project

    urls = _parse_base_urls(args.base_url or ())
    api_keys = {"plannen": _read_key_file(args.rp_api_key_file)} if args.rp_api_key_file else None
    cache_dir = Path(args.cache_dir).expanduser() if args.cache_dir else None
    config = load_config(urls=urls, api_keys=api_keys, cache_dir=cache_dir)
    layers = parse_layer_list(args.layers)
    progress = _StderrProgress()
    # The area first: an unknown gemeente must not leave an empty project file behind.
    area = resolve_area(
        config, gemeente=args.gemeente, bbox=args.bbox, progress=progress, refresh=args.refresh
    )
    target = str(args.project)
    if _is_server_url(target) or Path(target).exists():
        store = _open_project(target)
    else:
        name = area.gemeente_name or area.label
        store = new_project(target, name, gemeente_code=area.gemeente_code, gemeente_naam=area.gemeente_name)
        print(f"project aangemaakt: {store.target_label}", file=sys.stderr)
    with store:
        report = fetch_into_project(store, area, layers, config, progress=progress, refresh=args.refresh)
    if args.json:
        print(json.dumps(_fetch_json(report), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.lines()))
    if not report.ok:
        failed = [o.title for o in report.outcomes if not o.ok]
        print(f"fout: niet gelukt: {'; '.join(failed)}", file=sys.stderr)
        return EXIT_USER_ERROR
    return EXIT_OK


def _add_fetch_parser(sub: Any) -> None:
    p = sub.add_parser(
        "fetch",
        help="haal lagen van een gemeente of kader online op (PDOK, OpenStreetMap, Ruimtelijke Plannen)",
        description="Haal BAG, voorzieningen en looppaden, bestemmingsplannen en CBS-buurten online op en "
        "sla ze op in het project. De API-sleutel voor Ruimtelijke Plannen komt uit de omgevingsvariabele "
        "BODNAARPLOT_RP_API_KEY of uit --rp-api-key-file.",
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--gemeente", metavar="NAAM|CODE", help="gemeente, bijv. Delft of 0503")
    where.add_argument("--bbox", metavar="MINX,MINY,MAXX,MAXY", help="kader in RD-meters (EPSG:28992)")
    p.add_argument(
        "--project",
        required=True,
        help="projectbestand (.gpkg; wordt aangemaakt als het niet bestaat) of URL",
    )
    p.add_argument(
        "--layers",
        metavar="bag,osm,plannen,cbs,brt",
        help="welke gegevens (standaard bag,osm,plannen,cbs; brt = achtergrondkaart voor offline gebruik)",
    )
    p.add_argument(
        "--base-url",
        action="append",
        metavar="DIENST=URL",
        help="andere URL voor een dienst (gebieden, bag, overpass, plannen, cbs, brt); mag vaker",
    )
    p.add_argument("--refresh", action="store_true", help="opnieuw ophalen, de cache negeren")
    p.add_argument("--cache-dir", metavar="MAP", help="map voor de cache (standaard de gebruikerscache)")
    p.add_argument(
        "--rp-api-key-file",
        metavar="BESTAND",
        help="bestand met de API-sleutel van Ruimtelijke Plannen (anders BODNAARPLOT_RP_API_KEY)",
    )
    p.add_argument("--json", action="store_true", help="resultaat per laag als JSON op stdout")
    p.set_defaults(func=_cmd_fetch)


# Kept in sync with projects.models.RESERVATION_STATUSES (not imported: keeps start-up fast).
_STATUSES = (
    "kansrijk, voorgedragen, gereserveerd, in prestatieafspraak, in ontwikkeling, gerealiseerd, vervallen"
)
_PROJECT_HELP = "projectbestand (.gpkg) of database-URL (postgresql+psycopg://gebruiker@host/db...)"


def _add_ledger_parser(sub: Any, name: str) -> None:
    p = sub.add_parser(
        name,
        help="het bod-grootboek: opgave tegenover gereserveerde capaciteit per periode, status, segment en wijk",
    )
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument(
        "--json",
        action="store_true",
        help="het hele grootboek als JSON (perioden, segmenten, wijken, drieslag)",
    )
    p.add_argument(
        "--as-of",
        metavar="DATUM",
        help="het grootboek zoals het toen stond, uit het wijzigingslogboek: JJJJ-MM-DD (eind van die dag, "
        "Nederlandse tijd) of een volledig tijdstip (2026-07-01T12:00)",
    )
    p.set_defaults(func=_cmd_ledger)


def _add_monitor_parser(sub: Any) -> None:
    p = sub.add_parser(
        "monitor",
        help="monitorbestand: woningen per woonvorm × opleverjaar × status (zie de handleiding voor de kolommen)",
    )
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("--out", required=True, metavar="BESTAND", help="monitor.csv of monitor.xlsx")
    p.add_argument(
        "--as-of",
        metavar="DATUM",
        help="de stand op een eerdere datum (JJJJ-MM-DD, eind van die dag), uit het logboek",
    )
    p.set_defaults(func=_cmd_monitor)


def _add_project_parsers(sub: Any) -> None:
    project = sub.add_parser("project", help="een project: lagen, scores, opgave, reserveringen, export")
    psub = project.add_subparsers(dest="project_command", metavar="ACTIE", required=True)

    p = psub.add_parser("new", help="maak een nieuw project (bestand .gpkg of op een server)")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("--name", required=True, help="naam van het project")
    p.add_argument("--gemeente", help="CBS-gemeentecode, bijv. 0503")
    p.add_argument("--gemeente-naam", help="naam van de gemeente, bijv. Delft")
    p.add_argument(
        "--categories", nargs="+", help="woningcategorieën (standaard: nultreden geclusterd zorggeschikt)"
    )
    p.set_defaults(func=_cmd_project_new)

    p = psub.add_parser("import", help="importeer een laagbestand in het project")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("file", help="bestand of map (GPKG, GeoJSON, GML, OSM, CSV, GTFS, BAG-XML, ...)")
    p.add_argument(
        "--kind",
        choices=list(VECTOR_KINDS),
        help="lees het bestand als deze soort",
    )
    _add_read_options(p)
    p.set_defaults(func=_cmd_project_import)

    p = psub.add_parser("info", help="overzicht van het project")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("--json", action="store_true", help="één JSON-object op stdout")
    p.set_defaults(func=_cmd_project_info)

    p = psub.add_parser("score", help="beoordeel de kavels van het project en bewaar de scoreronde")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("--profile", default="geclusterd", help="geclusterd, zorggeschikt, nultreden of een .toml")
    p.add_argument("--euclidean", action="store_true", help="hemelsbreed meten, ook als er een netwerk is")
    p.add_argument("--top", type=int, default=10, help="aantal kavels in het overzicht")
    p.add_argument(
        "--weighting",
        metavar="WEGING",
        help="de weging die bij de scoreronde wordt vastgelegd: consensus (standaard), profiel of een partij",
    )
    p.add_argument("--json", action="store_true", help="samenvatting als één JSON-object op stdout")
    p.set_defaults(func=_cmd_project_score)

    p = psub.add_parser("opgave", help="voer de opgave (het bod) in voor een categorie en periode")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("--category", required=True, help="woningcategorie, bijv. geclusterd")
    p.add_argument("--period", required=True, help="periode BEGINJAAR-EINDJAAR, bijv. 2026-2030")
    p.add_argument("--target", required=True, type=int, help="aantal woningen")
    p.add_argument("--wijk", help="wijk (zonder: de hele gemeente)")
    p.add_argument("--source", help="bron, bijv. woondeal of volkshuisvestingsprogramma")
    p.set_defaults(func=_cmd_project_opgave)

    p = psub.add_parser("reserve", help="reserveer een kavel voor een categorie (of werk de reservering bij)")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("plot_id", help="kavel-id (zie project info)")
    p.add_argument("--category", required=True, help="woningcategorie, bijv. geclusterd")
    p.add_argument("--capacity", required=True, help="aantal woningen of MIN-MAX, bijv. 20-30")
    p.add_argument("--status", help=f"status: {_STATUSES} (nieuw: kansrijk)")
    p.add_argument(
        "--years",
        help="opleverjaren (van-tot), bijv. 2028-2032; de woningen tellen gelijk verdeeld over die jaren mee",
    )
    p.add_argument("--partner", action="append", metavar="NAAM:SOORT", help="partner, mag vaker")
    p.add_argument("--land-owner", help="eigenaar van de grond")
    p.add_argument("--notes", help="opmerkingen")
    p.add_argument(
        "--wijk",
        help="wijk als tekst; alleen gebruikt als de kavel niet in de CBS-buurtenlaag ligt (dan gemarkeerd)",
    )
    p.add_argument("--segment", help="segment: sociale huur, middenhuur, koop of onbekend")
    p.add_argument(
        "--split",
        metavar="JAAR:DEEL,...",
        help="verdeling over de opleverjaren, bijv. 2028:40,2031:60 (aandelen; standaard gelijk; '' wist)",
    )
    p.add_argument("--workshop", type=int, help="id van de werksessie waarin dit besloten is")
    p.add_argument("--expected-version", type=int, help="weiger als iemand anders intussen wijzigde")
    p.add_argument("--json", action="store_true", help="de reservering als JSON op stdout")
    p.set_defaults(func=_cmd_project_reserve)

    p = psub.add_parser("status", help="zet de status van een reservering")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("reservation", help="nummer van de reservering (zie project info)")
    p.add_argument("--status", required=True, help=f"nieuwe status: {_STATUSES}")
    p.add_argument("--notes", help="opmerkingen")
    p.add_argument("--expected-version", type=int, help="weiger als iemand anders intussen wijzigde")
    p.set_defaults(func=_cmd_project_status)

    p = psub.add_parser("workshop", help="leg een werksessie 'boven de kaart' vast")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("--title", required=True, help="titel")
    p.add_argument("--date", help="datum JJJJ-MM-DD (standaard vandaag)")
    p.add_argument("--participant", action="append", help="deelnemer, mag vaker")
    p.set_defaults(func=_cmd_project_workshop)

    p = psub.add_parser("decision", help="leg een besluit vast in een werksessie")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("workshop", type=int, help="id van de werksessie")
    p.add_argument("--text", required=True, help="wat er besloten is")
    p.add_argument("--plot", help="kavel-id waar het besluit over gaat")
    p.set_defaults(func=_cmd_project_decision)

    p = psub.add_parser("minutes", help="het verslag van een werksessie (PDF en/of Markdown)")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("workshop", type=int, help="id van de werksessie (zie project info)")
    p.add_argument("--pdf", metavar="BESTAND", help="verslag als PDF (.pdf)")
    p.add_argument(
        "--md", metavar="BESTAND", help="verslag als Markdown (.md); zonder --pdf/--md op het scherm"
    )
    p.set_defaults(func=_cmd_project_minutes)

    p = psub.add_parser("partner", help="voeg een partner toe")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("--name", required=True, help="naam, bijv. Woonbron")
    p.add_argument("--type", required=True, help="soort: corporatie, zorgorganisatie, bewoners, ...")
    p.add_argument("--contact", help="contactpersoon of e-mail")
    p.set_defaults(func=_cmd_project_partner)

    p = psub.add_parser("export-gpkg", help="exporteer een schone GeoPackage voor GIS-collega's")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("out", help="uitvoerbestand .gpkg")
    p.set_defaults(func=_cmd_project_export)

    _add_ledger_parser(psub, "ledger")

    p = psub.add_parser("history", help="wie wijzigde wat, wanneer (oud → nieuw), uit het logboek")
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument(
        "plot_id", nargs="?", help="alleen deze kavel: de kavel, haar reserveringen en opmerkingen"
    )
    p.add_argument("--limit", type=int, help="alleen de laatste N wijzigingen")
    p.add_argument("--json", action="store_true", help="de wijzigingen als JSON op stdout")
    p.set_defaults(func=_cmd_project_history)

    p = psub.add_parser(
        "plot", help="een kavel: schatting per categorie; bestaande bebouwing behouden of niet"
    )
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument("plot_id", help="kavel-id (zie project info)")
    keep = p.add_mutually_exclusive_group()
    keep.add_argument(
        "--keep-buildings",
        dest="keep_buildings",
        action="store_const",
        const=True,
        help="de bestaande bebouwing op de kavel blijft staan (de schatting laat haar vlak weg)",
    )
    keep.add_argument(
        "--no-keep-buildings",
        dest="keep_buildings",
        action="store_const",
        const=False,
        help="de bestaande bebouwing telt niet mee (de hele kavel is bebouwbaar)",
    )
    p.set_defaults(func=_cmd_project_plot, keep_buildings=None)

    p = psub.add_parser("push", help="zet een projectbestand op een PostgreSQL/PostGIS-server")
    p.add_argument("project", help="projectbestand (.gpkg)")
    p.add_argument("--db", required=True, help="database-URL (wachtwoord via PGPASSWORD of ~/.pgpass)")
    p.set_defaults(func=_cmd_project_push)

    p = psub.add_parser("pull", help="haal een project van de server naar een bestand")
    p.add_argument("--db", required=True, help="database-URL (wachtwoord via PGPASSWORD of ~/.pgpass)")
    p.add_argument("out", help="nieuw projectbestand (.gpkg)")
    p.add_argument("--project-uid", help="welk project (als er meer op de server staan)")
    p.set_defaults(func=_cmd_project_pull)

    _add_bag_progress_parser(psub)


def _cmd_project_bag_progress(args: argparse.Namespace) -> int:
    """List the BAG's status proposals; --accept / --reject act on them (listing never writes)."""
    from projects.bag_progress import (
        accept_proposals,
        bag_progress,
        bag_progress_json,
        bag_progress_text,
        load_bag_extract,
        reject_proposals,
    )

    accept = [i for item in args.accept or [] for i in item.split(",") if i.strip()]
    reject = [i for item in args.reject or [] for i in item.split(",") if i.strip()]
    both = sorted(set(accept) & set(reject))
    if both:
        from projects.errors import InputsError

        raise InputsError(
            f"Reservering {', '.join(both)} staat zowel bij --accept als bij --reject.",
            hint="Kies per voorstel aanvaarden of afwijzen.",
        )
    extract = load_bag_extract(args.bag, as_of=args.as_of)
    with _open_project(args.project) as store:
        result = bag_progress(store, extract)
        checked = [result.proposal(i) for i in [*accept, *reject]]  # all known before any write
        accepted = accept_proposals(store, result, accept) if accept else []
        rejected = reject_proposals(store, result, reject) if reject else []
    if args.json:
        data = bag_progress_json(result)
        data["accepted"] = [p.reservation_id for p in accepted]
        data["rejected_now"] = [p.reservation_id for p in rejected]
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    if not checked:
        print(bag_progress_text(result))
        if result.proposals:
            print()
            print(
                f"aanvaarden: bodnaarplot project bag-progress {args.project} --bag {args.bag} --accept ID; "
                "afwijzen: --reject ID"
            )
    for p in accepted:
        print(
            f"aanvaard: reservering {p.reservation_id} (kavel {p.plot_id}) {p.current_status} → {p.proposed_status}"
        )
    for p in rejected:
        print(
            f"afgewezen: reservering {p.reservation_id} (kavel {p.plot_id}); komt niet terug op hetzelfde bewijs"
        )
    return EXIT_OK


def _add_bag_progress_parser(psub: Any) -> None:
    p = psub.add_parser(
        "bag-progress",
        help="voortgang uit de BAG: statusvoorstellen voor gereserveerde kavels uit een nieuwer BAG-extract",
    )
    p.add_argument("project", help=_PROJECT_HELP)
    p.add_argument(
        "--bag",
        required=True,
        help="het nieuwere BAG-extract (LV BAG XML: zip, map of bestand; bag-light.gpkg; GeoJSON)",
    )
    p.add_argument("--as-of", dest="as_of", help="lees het extract zoals het op deze datum was (JJJJ-MM-DD)")
    p.add_argument(
        "--accept",
        action="append",
        metavar="ID",
        help="aanvaard het voorstel voor deze reservering (herhaalbaar of 1,2,3)",
    )
    p.add_argument(
        "--reject",
        action="append",
        metavar="ID",
        help="wijs het voorstel voor deze reservering af (herhaalbaar of 1,2,3)",
    )
    p.add_argument(
        "--json", action="store_true", help="voorstellen, toelichtingen en bewijs als JSON op stdout"
    )
    p.set_defaults(func=_cmd_project_bag_progress)


def _cmd_demo(args: argparse.Namespace) -> int:
    from app.main import run_gui

    return run_gui(
        demo=True, screenshot=args.screenshot, lang=args.lang, scene=args.scene, size=_window_size(args)
    )


def _cmd_open(args: argparse.Namespace) -> int:
    from app.main import run_gui

    return run_gui(
        project=args.project,
        screenshot=args.screenshot,
        lang=args.lang,
        scene=args.scene,
        size=_window_size(args),
    )


def _window_size(args: argparse.Namespace) -> tuple[int, int] | None:
    """``--window-size 1366x768`` as (1366, 768); a malformed value is a Dutch error."""
    from projects.errors import InputsError

    text = getattr(args, "window_size", None)
    if not text:
        return None
    parts = str(text).lower().replace("×", "x").split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise InputsError(
            f"Vensterformaat '{text}' is niet te lezen.",
            hint="Geef breedte x hoogte in pixels, bijv. --window-size 1366x768.",
        )
    w, h = (int(p) for p in parts)
    if not (320 <= w <= 7680 and 240 <= h <= 4320):
        raise InputsError(
            f"Vensterformaat {w}x{h} valt buiten 320x240 … 7680x4320.",
            hint="Kies een schermformaat, bijv. --window-size 1920x1080.",
        )
    return w, h


def _cmd_candidates(args: argparse.Namespace) -> int:
    from projects.candidates import (
        accept_candidates,
        candidates_from_files,
        candidates_summary,
        parse_mapping,
        project_candidates,
        write_candidates,
    )
    from projects.errors import InputsError
    from projects.scoring import check_output_path

    if args.out:
        check_output_path(args.out)
    maps = [parse_mapping(m) for m in (args.map or [])]
    if len(maps) > len(args.list or []):
        raise InputsError(
            "--map hoort bij een --list.", hint="Geef per --list hoogstens één --map, in dezelfde volgorde."
        )
    if args.accept and not args.project:
        raise InputsError(
            "--accept werkt alleen met --project.", hint="Bijv. candidates --project P.gpkg --accept all"
        )
    progress = _StderrProgress(quiet=args.json)
    store = None
    try:
        if args.project:
            given = (args.inputs, args.buildings, args.zoning, args.land_use, args.facilities, args.list)
            if any(given) or args.layer or args.gtfs_date:
                raise InputsError(
                    "Met --project komen de lagen uit het project.",
                    hint="Importeer extra lagen eerst: bodnaarplot project import PROJECT BESTAND.",
                )
            store = _open_project(args.project)
            frame = project_candidates(store, rules=args.rules, progress=progress)
        else:
            lists = [(path, maps[i] if i < len(maps) else {}) for i, path in enumerate(args.list or [])]
            frame = candidates_from_files(
                args.inputs,
                buildings=args.buildings or (),
                zoning=args.zoning or (),
                land_use=args.land_use or (),
                facilities=args.facilities or (),
                lists=lists,
                rules=args.rules,
                progress=progress,
                layer=args.layer,
                gtfs_date=args.gtfs_date,
            )
        accepted = accept_candidates(store, frame, args.accept) if store is not None and args.accept else None
    finally:
        if store is not None:
            store.close()
    if args.out:
        path = write_candidates(frame, args.out)
        print(f"{len(frame)} kansen geschreven naar {path}", file=sys.stderr if args.json else sys.stdout)
    summary = candidates_summary(frame)
    if accepted is not None:
        summary["accepted"] = {"added": accepted.added, "skipped": [list(s) for s in accepted.skipped]}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(
        f"{summary['count']} kansen, waarvan {summary['new']} nieuw (de rest valt samen met een bestaande kavel)"
    )
    print("per familie: " + (", ".join(f"{k} {v}" for k, v in summary["by_family"].items()) or "-"))
    if summary["skipped_rules"]:
        print("niet gezocht:")
        for skipped in summary["skipped_rules"]:
            print(f"  {skipped['reason']}")
    for c in summary["candidates"]:
        dup = f"  [= {c['duplicate_of']}]" if c["duplicate_of"] else ""
        area = f"{c['area_m2']:.0f} m²" if c["area_m2"] else "punt"
        print(f"  {c['plot_id']}  {c['name']}  ({c['category_hint']}, {area}){dup}")
        print(f"      {c['reasons']}")
    if accepted is not None:
        print(f"aangenomen als kavel: {len(accepted.added)}; overgeslagen: {len(accepted.skipped)}")
        for pid, why in accepted.skipped:
            print(f"  overgeslagen {pid}: {why}")
    return EXIT_OK


def _add_candidates_parser(sub: Any) -> None:
    p = sub.add_parser(
        "candidates",
        help="stel kansrijke kavels voor: braakliggend, transformatie, zorgterreinen, bestaande bouw",
    )
    p.add_argument(
        "inputs", nargs="*", help="laagbestanden; soorten worden herkend (bijv. de demo-GeoPackage)"
    )
    p.add_argument("--buildings", action="append", help="BAG-panden (mag vaker)")
    p.add_argument("--zoning", action="append", help="bestemmingsplan (mag vaker)")
    p.add_argument(
        "--land-use", dest="land_use", action="append", help="OSM-landgebruik of .osm.pbf (mag vaker)"
    )
    p.add_argument("--facilities", action="append", help="voorzieningen, voor zorglocaties (mag vaker)")
    p.add_argument("--list", action="append", help="lijst met plancapaciteit (punten of vlakken; mag vaker)")
    p.add_argument(
        "--map",
        action="append",
        metavar="VELD=KOLOM,...",
        help="kolomkoppeling van de --list ervoor: name, plot_id, planned_homes, phase",
    )
    _add_read_options(p, several=True)
    p.add_argument("--rules", help="eigen regelbestand (.toml), standaard resources/candidates/rules.toml")
    p.add_argument("--project", help="zoek in de lagen van dit project (bestand of database-URL)")
    p.add_argument("--accept", metavar="all|ID,ID", help="neem kansen op als kavels van het project")
    p.add_argument("--out", help="uitvoer: .gpkg (met geometrie) of .csv")
    p.add_argument("--json", action="store_true", help="resultaat als één JSON-object op stdout")
    p.set_defaults(func=_cmd_candidates)


def _add_export_pdf_args(p: Any) -> None:
    """The PDF options of ``export``: the reserved-location map and per-plot dossiers."""
    p.add_argument(
        "--pdf", metavar="BESTAND", help="kaart van de gereserveerde locaties als PDF (met bijlage)"
    )
    p.add_argument(
        "--format", type=str.upper, choices=["A4", "A3"], default="A4", help="papierformaat (standaard A4)"
    )
    orientation = p.add_mutually_exclusive_group()
    orientation.add_argument(
        "--landscape", dest="landscape", action="store_true", default=True, help="liggend (standaard)"
    )
    orientation.add_argument("--portrait", dest="landscape", action="store_false", help="staand")
    p.add_argument("--title", help="titel boven de kaart (standaard: naam van het project)")
    p.add_argument(
        "--extent",
        choices=["locaties", "kavels"],
        default="locaties",
        help="kaartbeeld: de gereserveerde locaties (standaard) of alle kavels",
    )
    p.add_argument(
        "--dossiers", metavar="MAP", help="schrijf per gereserveerde kavel een dossier (PDF) in MAP"
    )


def _export_pdf(args: argparse.Namespace, store: Any) -> None:
    """Write the PDF map and/or dossiers asked for in ``args``; one line per result."""
    from app.export.pdf import write_dossiers, write_reserved_map_pdf

    progress = _StderrProgress()
    if getattr(args, "pdf", None):
        path = write_reserved_map_pdf(
            store,
            args.pdf,
            page=args.format,
            landscape=args.landscape,
            title=args.title,
            weighting_key=args.weighting,
            extent=args.extent,
            progress=progress,
        )
        print(f"kaart geschreven: {path}")
    if getattr(args, "dossiers", None):
        paths = write_dossiers(store, args.dossiers, weighting_key=args.weighting, progress=progress)
        print(f"{len(paths)} dossiers geschreven in {args.dossiers}")


_EXPORT_TABLE_OPTIONS = ("html", "gpkg", "csv", "xlsx")


def _add_export_table_args(p: Any) -> None:
    """The web-map, GIS and table options of ``export``."""
    p.add_argument(
        "--html", metavar="BESTAND", help="interactieve webkaart (.html), werkt ook zonder internet"
    )
    p.add_argument(
        "--online-tiles",
        dest="online_tiles",
        action="store_true",
        help="met de BRT-achtergrondkaart van PDOK in de webkaart (vraagt internet bij het bekijken)",
    )
    p.add_argument(
        "--gpkg", metavar="BESTAND", help="GeoPackage voor GIS-collega's, met QGIS-stijlen (.gpkg)"
    )
    p.add_argument(
        "--csv", metavar="BESTAND", help="bijlagetabel van de gereserveerde locaties (.csv, voor Excel)"
    )
    p.add_argument("--xlsx", metavar="BESTAND", help="bijlagetabel van de gereserveerde locaties (.xlsx)")


def _export_tables(args: argparse.Namespace, store: Any) -> None:
    """Write the web map, GIS package and annex tables asked for in ``args``; one line per result."""
    from projects.exports import write_annex_table, write_html_map
    from projects.gis import write_gis_package
    from projects.views import reserved_view

    if not any(getattr(args, name, None) for name in _EXPORT_TABLE_OPTIONS):
        return
    view = reserved_view(store, weighting_key=args.weighting)  # one read for every table output
    if getattr(args, "html", None):
        online = bool(getattr(args, "online_tiles", False))
        print(f"webkaart geschreven: {write_html_map(store, args.html, online_tiles=online, view=view)}")
    if getattr(args, "gpkg", None):
        print(f"GIS-pakket geschreven: {write_gis_package(store, args.gpkg, view=view)}")
    for name in ("csv", "xlsx"):
        if getattr(args, name, None):
            print(f"bijlagetabel geschreven: {write_annex_table(store, getattr(args, name), view=view)}")


def _cmd_export(args: argparse.Namespace) -> int:
    from projects.errors import InputsError

    chosen = ("pdf", "dossiers", *_EXPORT_TABLE_OPTIONS)
    if not any(getattr(args, name, None) for name in chosen):
        raise InputsError(
            "Geen uitvoer gekozen.",
            hint="Geef bijv. --pdf kaart.pdf, --dossiers MAP, --html kaart.html, --gpkg gis.gpkg, "
            "--csv bijlage.csv of --xlsx bijlage.xlsx.",
        )
    with _open_project(args.project) as store:
        _export_pdf(args, store)
        _export_tables(args, store)
    return EXIT_OK


def _add_weighting_arg(p: Any) -> None:
    p.add_argument(
        "--weighting",
        metavar="WEGING",
        help="welke score: consensus (van de partijen), profiel, of een partij (gemeente, corporatie, "
        "zorgorganisatie, bewoners); standaard de weging die bij de scoreronde is vastgelegd",
    )


def _add_export_parser(sub: Any) -> None:
    p = sub.add_parser("export", help="exporteer het project: kaart van de gereserveerde locaties (PDF)")
    p.add_argument("project", help=_PROJECT_HELP)
    _add_weighting_arg(p)
    _add_export_pdf_args(p)
    _add_export_table_args(p)
    p.set_defaults(func=_cmd_export)


def _add_gui_options(p: argparse.ArgumentParser, *, scene: bool = False) -> None:
    """The options of every command that opens the window."""
    p.add_argument("--screenshot", metavar="PNG", help="venster na het laden als PNG opslaan en stoppen")
    if scene:
        p.add_argument(
            "--scene",
            metavar="NAAM",
            help="met --screenshot: eerst deze stap uit de handleiding spelen (zie app/scenes.py, "
            "bijv. locatie, reserveren, bod; een onbekende naam noemt de keuzes)",
        )
    p.add_argument("--lang", choices=["nl", "en"], help="taal van de app (standaard: nl)")
    if scene:
        p.add_argument(
            "--window-size",
            metavar="BxH",
            help="met --screenshot: venster van deze grootte in pixels, bijv. 1366x768 (standaard 1440x900)",
        )


def _add_read_options(p: argparse.ArgumentParser, *, several: bool = False) -> None:
    """``--layer`` and ``--gtfs-date``: how to read multi-layer files and timetables."""
    if several:
        layer_help = (
            "lees uit elk bestand dat een laag met deze naam heeft alleen die laag "
            "(bijv. perceel of verblijfsobjecten); andere bestanden worden gewoon gelezen"
        )
        date_help = (
            "dienstregelingsdag JJJJ-MM-DD voor GTFS-bestanden (standaard: een dinsdag in de geldigheid)"
        )
    else:
        layer_help = "lees alleen deze laag van een bestand met meer lagen (GeoPackage, GML)"
        date_help = (
            "dienstregelingsdag JJJJ-MM-DD van een GTFS-bestand (standaard: een dinsdag in de geldigheid)"
        )
    p.add_argument("--layer", metavar="LAAG", help=layer_help)
    p.add_argument("--gtfs-date", dest="gtfs_date", metavar="JJJJ-MM-DD", help=date_help)


# --- the regional project (issue 21) -----------------------------------------------------------


def _since(text: str | None) -> Any:
    """``--since`` as a date (None without); a bad value is a Dutch input error."""
    if text is None:
        return None
    from projects.errors import InputsError

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputsError(f"'{text}' is geen datum.", hint="Schrijf JJJJ-MM-DD, bijv. 2026-07-01.") from exc


def _cmd_region_new(args: argparse.Namespace) -> int:
    from projects.region import member_ref, new_region, region_members

    refs = [member_ref(m) for m in args.members.split(",") if m.strip()]
    new_region(args.region, name=args.name, members=refs, since=_since(args.since))
    members = region_members(args.region)
    print(f"regio aangemaakt: {args.region} ({args.name}, {len(members)} deelnemers)")
    for m in members:
        print(f"  {m.name}{f' ({m.gemeente_code})' if m.gemeente_code else ''}")
    print("Voer de opgave van de regio in met: bodnaarplot project opgave REGIO CATEGORIE PERIODE AANTAL")
    return EXIT_OK


def _region_view(args: argparse.Namespace) -> Any:
    from projects.region import region_view

    moment, _header = _as_of(args.as_of)
    return region_view(
        args.region, as_of=moment, since=_since(args.since), progress=_StderrProgress(quiet=True)
    )


def _cmd_region_show(args: argparse.Namespace) -> int:
    from projects.region import region_json, region_text

    view = _region_view(args)
    if args.json:
        print(json.dumps(region_json(view), ensure_ascii=False, indent=2))
    else:
        print(region_text(view))
    return EXIT_OK


def _cmd_region_export(args: argparse.Namespace) -> int:
    from projects.errors import InputsError
    from projects.region import region_xlsx

    suffix = Path(args.out).suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise InputsError(
            f"Kan '{args.out}' niet schrijven: kies .xlsx of .pdf.",
            hint="Bijv. --out regio.xlsx of --out regio.pdf.",
        )
    view = _region_view(args)
    if suffix == ".xlsx":
        path = region_xlsx(view, Path(args.out))
        print(f"regio-overzicht geschreven: {path}")
        return EXIT_OK
    try:
        from app.export.region_pdf import write_region_pdf  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ModuleNotFoundError as exc:
        if exc.name != "app.export.region_pdf":
            raise
        raise InputsError(
            "De regionale PDF-kaart zit nog niet in deze versie.",
            hint="Exporteer het overzicht als .xlsx (--out regio.xlsx).",
        ) from exc
    path = write_region_pdf(view, args.out, progress=_StderrProgress())
    print(f"regiokaart geschreven: {path}")
    return EXIT_OK


def _add_region_parser(sub: Any) -> None:
    region = sub.add_parser("region", help="een regio: de bods van de gemeenten samen (alleen gelezen)")
    rsub = region.add_subparsers(dest="region_command", metavar="ACTIE", required=True)
    region_help = "regioproject (.gpkg of postgresql://...-URL)"

    p = rsub.add_parser("new", help="maak een regio met de projecten van de gemeenten als deelnemers")
    p.add_argument("region", help=region_help)
    p.add_argument("--name", required=True, help="naam van de regio, bijv. 'Woondeal Haaglanden'")
    p.add_argument(
        "--members",
        required=True,
        metavar="A.gpkg,B.gpkg",
        help="projecten van de gemeenten, met komma's (bestanden of URL's; NAAM=pad om zelf te noemen)",
    )
    p.add_argument(
        "--since", metavar="DATUM", help="standaarddatum voor 'niet gerapporteerd sinds' (JJJJ-MM-DD)"
    )
    p.set_defaults(func=_cmd_region_new)

    for name, text, func in (
        (
            "show",
            "opgave, aandeel, zeker/in beeld/gerealiseerd, tekort, rapportage en dubbele claims",
            _cmd_region_show,
        ),
        ("export", "het regio-overzicht als XLSX of PDF-kaart", _cmd_region_export),
    ):
        p = rsub.add_parser(name, help=text)
        p.add_argument("region", help=region_help)
        p.add_argument(
            "--as-of", metavar="DATUM", help="de stand op een eerdere datum (JJJJ-MM-DD, eind van die dag)"
        )
        p.add_argument(
            "--since",
            metavar="DATUM",
            help="gemeenten zonder wijziging sinds deze datum heten niet gerapporteerd",
        )
        if name == "show":
            p.add_argument("--json", action="store_true", help="één JSON-object op stdout")
        else:
            p.add_argument("--out", required=True, metavar="BESTAND", help="regio.xlsx of regio.pdf")
        p.set_defaults(func=func)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bodnaarplot",
        description="Van Bod naar Plot: van de opgave ouderenhuisvesting naar gereserveerde locaties.",
    )
    parser.add_argument("--verbose", action="store_true", help="meer uitvoer (voor ontwikkelaars)")
    _add_gui_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMANDO")

    p = sub.add_parser("demo", help="open de app op een verse kopie van het Delft-demoproject")
    _add_gui_options(p, scene=True)
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("open", help="open de app op een project (.gpkg of database-URL)")
    p.add_argument("project", help="projectbestand of postgresql://...-URL")
    _add_gui_options(p, scene=True)
    p.set_defaults(func=_cmd_open)

    p = sub.add_parser("inspect", help="laat zien wat een bestand is (soort, aantal, CRS, bbox, kolommen)")
    p.add_argument("path", help="bestand of map (GPKG, GeoJSON, GML, OSM, CSV, GTFS, GeoTIFF, BAG-XML)")
    p.add_argument(
        "--kind",
        choices=[*VECTOR_KINDS, "raster"],
        help="lees het bestand als deze soort",
    )
    _add_read_options(p)
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
    p.add_argument(
        "--tiles",
        metavar="gemeente|grid:METERS",
        help="groot gebied: loopafstanden per gemeente (met --gemeenten) of per vierkante tegel berekenen, "
        "parallel; de uitkomst is gelijk aan in één keer",
    )
    p.add_argument("--gemeenten", help="gemeentegrenzen voor --tiles gemeente (bijv. CBS-gemeenten)")
    p.add_argument(
        "--workers",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="aantal processen voor --tiles (standaard het aantal kernen, hoogstens 4)",
    )
    p.add_argument("--top", type=int, default=10, help="grootte van de top-k (robuustheid, overzicht)")
    p.add_argument("--robustness-runs", type=int, default=200, help="aantal verstoorde wegingen")
    p.add_argument("--seed", type=int, default=0, help="zaad voor de robuustheidsberekening")
    _add_read_options(p, several=True)
    p.add_argument("--out", help="uitvoer: .gpkg (met geometrie) of .csv (alle kolommen)")
    p.add_argument("--json", action="store_true", help="samenvatting als één JSON-object op stdout")
    p.set_defaults(func=_cmd_score)

    _add_project_parsers(sub)
    _add_ledger_parser(sub, "ledger")
    _add_monitor_parser(sub)
    _add_demand_parser(sub)
    _add_candidates_parser(sub)
    _add_export_parser(sub)
    _add_fetch_parser(sub)
    _add_region_parser(sub)
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
    except BrokenPipeError:
        raise  # the reader closed our stdout: handled quietly in main(), not a bug
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


def _stdout_closed() -> int:
    """The reader of our stdout went away (``bodnaarplot … | head``): end quietly, like a Unix tool.

    Python would otherwise report the failed flush at exit. Pointing stdout at /dev/null makes that
    flush harmless; the status is the conventional 128 + SIGPIPE.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout has no file descriptor (embedded, tests): nothing to do
        pass
    return EXIT_BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bodnaarplot`` console script."""
    try:
        try:
            status = _main(argv)
        except SystemExit:  # argparse's --help and usage errors: their text may still be buffered
            sys.stdout.flush()
            raise
        # Output still buffered is written here, inside the guard, not at interpreter exit.
        sys.stdout.flush()
    except BrokenPipeError:
        return _stdout_closed()
    return status


def _main(argv: Sequence[str] | None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(message)s")
    if not args.verbose:
        # Library warnings (GDAL, pandas) are for developers; loaders report what users need.
        warnings.simplefilter("ignore")
    if args.command is None:
        from app.main import run_gui

        return _run(lambda a: run_gui(screenshot=a.screenshot, lang=a.lang), args)
    return _run(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
