"""Size limits: a 2 GB+ input is refused with a clear message before anything is read."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from cli.main import main
from layers.errors import LayerSizeError
from layers.registry import load_path
from layers.sources import MAX_INPUT_BYTES

SUFFIXES = (".gpkg", ".geojson", ".zip", ".osm.pbf")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@pytest.mark.reliability(
    section="size",
    id="2gb-invoer",
    category="alle lagen",
    input="ijl (sparse) bestand van 2 GB + 1 byte als .gpkg, .geojson, .zip en .osm.pbf",
    expected="LayerSizeError «te groot» vóór het lezen; piekgeheugen stijgt < 50 MB",
    outcome="LayerSizeError voor alle vier; CLI exit 2; geen geheugengroei",
    nothing_lost="bestand ongelezen en ongewijzigd",
)
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_huge_input_is_refused_before_reading(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"groot{suffix}"
    with path.open("wb") as fh:
        fh.truncate(MAX_INPUT_BYTES + 1)
    assert path.stat().st_size == 2**31 + 1
    before = _peak_rss_mb()
    with pytest.raises(LayerSizeError, match="te groot") as info:
        load_path(path)
    assert "GB" in info.value.message
    assert info.value.hint
    capsys.readouterr()
    assert main(["inspect", str(path)]) == 2
    _out, err = capsys.readouterr()
    assert err.count("fout: ") == 1
    assert "te groot" in err
    assert "Traceback" not in err
    assert _peak_rss_mb() - before < 50
    assert path.stat().st_size == 2**31 + 1
