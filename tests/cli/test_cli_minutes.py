"""``bodnaarplot project minutes``: the workshop minutes as PDF and Markdown, from a real process."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from pypdf import PdfReader

from tests.cli.test_cli_inspect import assert_clean_failure, run_cli


def _ok(*args: str | Path) -> str:
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def test_minutes_as_pdf_and_markdown(tmp_path: Path) -> None:
    from projects.demo import create_demo_project

    project = tmp_path / "p.gpkg"
    create_demo_project(project).close()
    _ok("project", "workshop", project, "--title", "Woonzorgtafel", "--participant", "Woonbron")
    _ok(
        "project",
        "reserve",
        project,
        "DLF-010",
        "--category",
        "geclusterd",
        "--capacity",
        "20-30",
        "--years",
        "2028",
        "--workshop",
        "1",
    )
    _ok("project", "decision", project, "1", "--text", "Door naar de corporatie", "--plot", "DLF-010")
    out = _ok("project", "minutes", project, "1", "--pdf", tmp_path / "v.pdf", "--md", tmp_path / "v.md")
    assert out.count("verslag geschreven") == 2
    md = (tmp_path / "v.md").read_text(encoding="utf-8")
    assert "Parkeerterrein Isaäc da Costalaan (DLF-010): geclusterd, 20–30 woningen, kansrijk, 2028" in md
    assert "2028–2028" not in md
    pdf = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(tmp_path / "v.pdf").pages).split())
    pdf = unicodedata.normalize("NFKC", pdf)
    assert "Parkeerterrein Isaäc da Costalaan (DLF-010)" in pdf
    assert "Stand van het bod bij de afsluiting" in pdf
    # kansrijk counts as "in beeld", not as "zeker" (projects.ledger.DEFINITIONS)
    assert "geclusterd 2026-2030: opgave 70 · zeker 0 · in beeld 20–30" in pdf
    # without files: the Markdown on stdout
    assert _ok("project", "minutes", project, "1").startswith("# Verslag werksessie")
    # a wrong file type or a workshop that does not exist: a Dutch message, no traceback
    assert "verslag" in assert_clean_failure(
        run_cli("project", "minutes", project, "1", "--pdf", tmp_path / "v.docx")
    )
    assert "Werksessie 9" in assert_clean_failure(run_cli("project", "minutes", project, "9"))
