"""The print layout never clips: every format, a long title and many reservations.

Checked from the layout engine's own record of placed blocks (every text block inside its page,
no two blocks overlapping, things drawn in the map inside the map frame, the disclaimer and the
method note whole), and from the PDF itself (pypdf finds the full sentences on the map page).
"""

from __future__ import annotations

import itertools
import random
import shutil
import unicodedata
from pathlib import Path

import pytest
import shapely
from pypdf import PdfReader

from app.export.layout import Block, Document, TextStyle, line_height, mm, wrap
from app.export.pdf import dossier_document, map_document
from projects.report import EXTENT_ALL, dossier_reports, map_report
from projects.reservations import reserve
from projects.snapshots import score_project
from projects.store import ProjectStore

LONG_TITLE = (
    "Gereserveerde locaties voor geclusterd wonen, nultreden woningen en zorggeschikte woningen "
    "voor ouderen in Delft — bijlage bij het volkshuisvestingsprogramma 2026–2030 (voorstel aan de raad)"
)
FORMATS = [("A4", True), ("A4", False), ("A3", True), ("A3", False)]
_CATEGORIES = ("geclusterd", "nultreden", "zorggeschikt")
_STATUSES = ("kansrijk", "voorgedragen", "gereserveerd", "in prestatieafspraak")


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from projects.demo import create_demo_project

    path = tmp_path_factory.mktemp("layout") / "p.gpkg"
    store = create_demo_project(path)
    try:
        for profile in _CATEGORIES:
            score_project(store, profile)
    finally:
        store.close()
    return path


def _project(scored: Path, tmp_path: Path, n: int) -> ProjectStore:
    path = tmp_path / "p.gpkg"
    shutil.copy(scored, path)
    store = ProjectStore.open(path)
    for i in range(n):
        reserve(
            store,
            f"DLF-{i + 1:03d}",
            _CATEGORIES[i % 3],
            10 + i,
            20 + i,
            status=_STATUSES[i % 4],
            years="2027-2029",
            partners=[("Woonbron", "corporatie")],
        )
    return store


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _check_record(doc: Document) -> None:
    """Every block inside its page (or its map frame), no two blocks overlapping."""
    for page in doc.pages:
        top = [b for b in page.blocks if not b.container]
        inner = [b for b in page.blocks if b.container]
        for b in top:
            assert b.inside(0, 0, page.width, page.height), f"{b.name} leaves page {page.index + 1}"
        for a, b in itertools.combinations(top, 2):
            assert not a.overlaps(b), f"'{a.name}' overlaps '{b.name}' on page {page.index + 1}"
        maps = [b for b in top if b.kind in ("map", "chart")]  # frames that hold their own texts
        for b in inner:
            assert any(b.inside(m.x, m.y, m.w, m.h) for m in maps), f"{b.name} leaves the map frame"
        for a, b in itertools.combinations(inner, 2):
            assert not a.overlaps(b), f"'{a.name}' overlaps '{b.name}' in the map on page {page.index + 1}"
        for b in page.blocks:
            if b.lines:  # a text block's lines are exactly as high as the block: nothing hangs out
                assert len(b.lines) >= 1


def _page_transform(frame: Block, bounds: tuple[float, float, float, float]):  # type: ignore[no-untyped-def]
    """World → page as the map frame shows ``bounds`` (equal scale, centred): written here anew."""
    x0, y0, x1, y1 = bounds
    scale = min(frame.w / (x1 - x0), frame.h / (y1 - y0))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left, top = frame.x + frame.w / 2 - cx * scale, frame.y + frame.h / 2 + cy * scale
    shown = (
        cx - frame.w / scale / 2,
        cy - frame.h / scale / 2,
        cx + frame.w / scale / 2,
        cy + frame.h / scale / 2,
    )

    def to_page(g: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(g, lambda c: c * [scale, -scale] + [left, top])

    return to_page, shapely.box(*shown)


def _whole(block: Block) -> str:
    return _flat(" ".join(block.lines))


def _named(doc: Document, page: int, name: str) -> list[Block]:
    return [b for b in doc.pages[page].blocks if b.name == name]


@pytest.mark.parametrize(("paper", "landscape"), FORMATS)
def test_every_format_places_every_block_without_clipping(
    scored: Path, tmp_path: Path, paper: str, landscape: bool
) -> None:
    store = _project(scored, tmp_path, 12)
    try:
        data = map_report(store, title=LONG_TITLE)
        doc = map_document(data, page=paper, landscape=landscape)
        out = doc.write_pdf(tmp_path / "kaart.pdf")
    finally:
        store.close()
    _check_record(doc)
    first = doc.pages[0]
    kinds = {b.kind for b in first.blocks}
    assert {"title", "subtitle", "map", "scale", "north", "legend", "footer"} <= kinds
    # The title is wrapped, never shortened: its lines add up to the whole title.
    (title,) = _named(doc, 0, "titel")
    assert len(title.lines) >= 2 if paper == "A4" else True
    assert _whole(title) == _flat(LONG_TITLE)
    # The disclaimer and the method note are on the map page, whole.
    (disclaimer,) = _named(doc, 0, "disclaimer")
    assert _whole(disclaimer) == _flat(data.disclaimer)
    (note,) = _named(doc, 0, "disclaimer toelichting")
    assert _whole(note) == _flat(data.disclaimer_note)
    (method,) = _named(doc, 0, "methode")
    assert _whole(method) == _flat(data.method_note)
    assert method.text == data.method_note
    # Sources, attribution and ledger are on the map page too, each line whole.
    for name, lines in (
        ("bronnen", data.sources),
        ("naamsvermelding", data.attribution),
        ("opgave", data.ledger),
    ):
        shown = [_whole(b) for b in _named(doc, 0, name) if b.kind != "heading"]
        assert shown == [_flat(x) for x in lines], name
    # Every reserved location in the map has its number.
    labels = {b.text for b in first.blocks if b.kind == "label"}
    assert labels == {str(r.nr) for r in data.rows}
    # And the PDF has the full sentences on the map page.
    text = _flat(PdfReader(out).pages[0].extract_text() or "")
    for sentence in (data.disclaimer, data.disclaimer_note, data.method_note, *data.attribution):
        assert _flat(sentence) in text


def test_legend_lists_every_zoning_group_in_the_map_and_says_indicative(scored: Path, tmp_path: Path) -> None:
    store = _project(scored, tmp_path, 3)
    try:
        data = map_report(store, extent=EXTENT_ALL)
        doc = map_document(data, page="A3", landscape=True)
    finally:
        store.close()
    _check_record(doc)
    (frame,) = [b for b in doc.pages[0].blocks if b.kind == "map"]
    _, box = _page_transform(frame, data.bounds())
    assert data.zoning is not None
    expected = {
        str(g).strip().lower()
        for g, geom in zip(data.zoning["bestemmingshoofdgroep"], data.zoning.geometry, strict=True)
        if geom.intersects(box)
    }
    assert {"wonen", "water"} <= expected  # the groups the old legend cut off
    legend = {b.text for b in doc.pages[0].blocks if b.name == "legenda bestemming" and b.kind == "legend"}
    from projects.report import _hoofdgroep_labels

    assert legend == {_hoofdgroep_labels()[g] for g in expected}
    headings = " ".join(
        b.text for b in doc.pages[0].blocks if b.name == "legenda bestemming" and b.kind == "heading"
    )
    assert "indicatief" in headings
    assert "OpenStreetMap" in headings


def test_many_reservations_get_labels_that_do_not_cover_small_plots(scored: Path, tmp_path: Path) -> None:
    store = _project(scored, tmp_path, 40)
    try:
        data = map_report(store)
        doc = map_document(data, page="A4", landscape=False)
    finally:
        store.close()
    _check_record(doc)
    labels = [b for b in doc.pages[0].blocks if b.kind == "label"]
    assert {b.text for b in labels} == {str(r.nr) for r in data.rows}
    # A label never covers a reserved plot other than its own (leader lines where needed).
    (frame,) = [b for b in doc.pages[0].blocks if b.kind == "map"]
    page, _ = _page_transform(frame, data.bounds())
    plots = {str(r.nr): page(r.geometry) for r in data.rows}
    for b in labels:
        box = shapely.box(b.x, b.y, b.x + b.w, b.y + b.h)
        for nr, geom in plots.items():
            if nr != b.text:
                assert not box.intersects(geom), f"label {b.text} covers location {nr}"
    # The annex lists all 40, over more than one sheet, with the header on each.
    rows = [b for p in doc.pages[1:] for b in p.blocks if b.name.startswith("bijlage regel")]
    assert len(rows) == 40
    sheets = {b.page for b in rows}
    for s in sheets:
        assert any(b.name == "bijlage kop" for b in doc.pages[s].blocks)


def test_dossiers_use_the_category_profile_and_place_facility_labels_cleanly(
    scored: Path, tmp_path: Path
) -> None:
    store = ProjectStore.open(shutil.copy(scored, tmp_path / "p.gpkg"))
    try:
        reserve(store, "DLF-010", "zorggeschikt", 20, 30, status="gereserveerd")
        reserve(store, "DLF-020", "nultreden", 12, 12, status="kansrijk")
        dossiers = list(dossier_reports(store))
    finally:
        store.close()
    assert [d.row.category for d in dossiers] == ["zorggeschikt", "nultreden"]
    for d in dossiers:
        assert d.view is not None
        assert d.view.profile.id == d.row.category
        score = dict(d.facts)["Score"]
        assert f"profiel {d.row.category}" in score
        doc = dossier_document(d)
        _check_record(doc)
        labels = [b for b in doc.pages[0].blocks if b.kind == "label"]
        assert labels, "facility labels on the map"
        (frame,) = [b for b in doc.pages[0].blocks if b.kind == "map"]
        to_page, _ = _page_transform(frame, d.extent)
        plot = to_page(d.row.geometry)
        for b in labels:
            assert not shapely.box(b.x, b.y, b.x + b.w, b.y + b.h).intersects(plot), (
                f"{b.text} covers the plot"
            )
        # Every nearest facility within 1,5 km is on the map (the map fits the plot and them).
        near = [
            f for f in d.nearest if f.geometry is not None and f.geometry.distance(d.row.geometry) <= 1500
        ]
        for f in near:
            assert shapely.box(*d.extent).contains(f.geometry.representative_point())


def test_wrap_keeps_every_character(qapp) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    words = [
        "opgave",
        "Zorgsteunpunt",
        "(24-uurs",
        "zorg)",
        "Isaäc",
        "da",
        "Costalaan",
        "x" * 60,
        "—",
        "1.270 m²",
    ]
    style = TextStyle(7)
    for _ in range(200):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 40)))
        width = rng.uniform(mm(8), mm(120))
        lines = wrap(text, style, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(line_height(style) > 0 and len(line) > 0 for line in lines)


def test_measuring_image_matches_the_pdf_writer(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QBuffer
    from PySide6.QtGui import QFontMetricsF, QPdfWriter

    from app.export.layout import _measure_device

    buffer = QBuffer()
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(300)
    text = "Methode: afstanden zijn loopafstanden over het looppadennetwerk (OpenStreetMap)"
    for style in (TextStyle(6.3, italic=True), TextStyle(8, bold=True), TextStyle(15, bold=True)):
        font = style.font()
        a = QFontMetricsF(font, _measure_device()).horizontalAdvance(text)
        b = QFontMetricsF(font, writer).horizontalAdvance(text)
        assert a == pytest.approx(b, rel=1e-6)
