"""The reliability recorder: every case, fault and concurrency test adds a row to docs/reliability.md.

Tests either call the ``record`` fixture (corpus cases, with their real outcome) or carry a
``@pytest.mark.reliability(...)`` marker whose ``expected`` is written with the test's result
(passed → the marker's ``outcome``; skipped → ``overgeslagen: <reden>``). At the end of a run
that executed the whole folder without failures the report is regenerated. Its content is
deterministic (no timings, dates, paths or seeds), so the file only changes with the cases.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.projects.conftest import pg_server, pg_url  # noqa: F401 - PostGIS fixtures, shared

HERE = Path(__file__).resolve().parent
REPORT = HERE.parents[1] / "docs" / "reliability.md"

SECTIONS: dict[str, tuple[str, str]] = {
    "corpus": (
        "Slechte invoer (corpus)",
        "Elk geval loopt via de Python-API én via de CLI (`bodnaarplot inspect` / `project import` / "
        "`project info`): een fout geeft exit-code 2, precies één regel `fout: …` en nergens een traceback.",
    ),
    "fuzz": (
        "Fuzzing (hypothesis, begrensd)",
        "Willekeurig verminkte invoer; alleen nette fouten of succes.",
    ),
    "faults": (
        "Storingen",
        "Een afgebroken proces (kill -9), een volle schijf, een weggevallen verbinding of een beschadigd "
        "bestand kost niets: het project opent met de laatst vastgelegde stand.",
    ),
    "concurrency": (
        "Gelijktijdig gebruik",
        "Twee bewerkers of veel lezers op één project: een conflict wordt gemeld, niets wordt overschreven.",
    ),
    "security": (
        "Beveiliging",
        "Tekst uit data blijft tekst; geheimen lekken niet. XML lost nooit externe entiteiten op en "
        "archiefpaden blijven binnen hun map: zie de corpusrijen imro-xxe, imro-entiteitbom, bag-xml-xxe, "
        "bag-xml-entiteitbom, osm-xxe, gtfs-zip-slip, bag-xml-zip-slip, gtfs-zip-bom en bag-xml-zip-bom.",
    ),
    "size": ("Grootte", "Te grote invoer wordt geweigerd vóórdat er iets wordt gelezen."),
}
COLUMNS = ("id", "categorie", "invoer", "verwacht", "uitkomst", "niets verloren")


@dataclass
class Row:
    section: str
    id: str
    category: str
    input: str
    expected: str
    outcome: str = ""
    nothing_lost: str = ""
    order: int = 0


@dataclass
class _State:
    rows: dict[tuple[str, str], Row] = field(default_factory=dict)
    failed: bool = False
    deselected: bool = False
    files_run: set[str] = field(default_factory=set)
    counter: int = 0


_STATE = _State()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "reliability(section, id, category, input, expected, outcome, nothing_lost): a row of docs/reliability.md",
    )


def _mine(item: pytest.Item) -> bool:
    return Path(str(item.fspath)).resolve().parent == HERE


def pytest_deselected(items: list[pytest.Item]) -> None:
    if any(_mine(i) for i in items):
        _STATE.deselected = True


def _add(row: Row) -> Row:
    key = (row.section, row.id)
    if key not in _STATE.rows:
        _STATE.counter += 1
        row.order = _STATE.counter
        _STATE.rows[key] = row
    return _STATE.rows[key]


class Recorder:
    """Handed to a test: ``recorder(section, id, ...)`` opens a row, ``row.outcome`` fills it."""

    def __call__(self, section: str, id: str, category: str, input: str, expected: str) -> Row:
        return _add(Row(section, id, category, input, expected))


@pytest.fixture
def record() -> Recorder:
    return Recorder()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, None]:
    outcome = yield
    if not _mine(item):
        return
    report: pytest.TestReport = outcome.get_result()
    _STATE.files_run.add(Path(str(item.fspath)).name)
    if report.failed:
        _STATE.failed = True
    marker = item.get_closest_marker("reliability")
    if marker is None:
        return
    kw: dict[str, str] = dict(marker.kwargs)
    row = _add(
        Row(
            kw["section"],
            kw["id"],
            kw["category"],
            kw["input"],
            kw["expected"],
            kw["outcome"],
            kw["nothing_lost"],
        )
    )
    if report.skipped and report.when in ("setup", "call"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        row.outcome = "overgeslagen: " + reason.removeprefix("Skipped: ")
        row.nothing_lost = "—"
    elif report.failed:
        row.outcome = "MISLUKT"


def _cell(text: str) -> str:
    # Data such as '<img onerror=...>' must show as text in rendered Markdown as well.
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


def render(rows: list[Row]) -> str:
    """The Markdown report: one table per section, rows in test order."""
    out = [
        "# Betrouwbaarheidsrapport",
        "",
        "Gegenereerd door `tests/reliability/` (pytest); niet met de hand bewerken. CI controleert "
        "dat dit bestand klopt met de tests (`scripts/test.sh`).",
        "",
    ]
    for key, (title, intro) in SECTIONS.items():
        section = sorted((r for r in rows if r.section == key), key=lambda r: r.order)
        if not section:
            continue
        out += [f"## {title} ({len(section)})", "", intro, ""]
        out.append("| " + " | ".join(COLUMNS) + " |")
        out.append("|" + "---|" * len(COLUMNS))
        for r in section:
            cells = (r.id, r.category, r.input, r.expected, r.outcome, r.nothing_lost)
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        out.append("")
    return "\n".join(out)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    expected_files = {p.name for p in HERE.glob("test_*.py")}
    if _STATE.failed or _STATE.deselected or not expected_files or _STATE.files_run != expected_files:
        return
    text = render(list(_STATE.rows.values()))
    if not REPORT.exists() or REPORT.read_text(encoding="utf-8") != text:
        REPORT.write_text(text, encoding="utf-8")


RecordFn = Callable[..., Row]
