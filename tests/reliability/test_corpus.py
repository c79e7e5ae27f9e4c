"""Every corpus case gives its expected outcome, through the Python API and through the CLI."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cli.main import main
from layers.canonical import LayerKind
from layers.errors import LayerError
from layers.registry import load_path
from layers.result import LoadResult
from projects.errors import ProjectError
from projects.imports import import_layer
from projects.store import ProjectStore
from tests.reliability.conftest import Recorder
from tests.reliability.corpus import CASES, SECRET, Case


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its sha256: the input must come out untouched."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _run(case: Case, path: Path, work: Path) -> list[LoadResult]:
    if case.via == "load":
        return load_path(path, kind=LayerKind(case.kind) if case.kind else None)
    if case.via == "open":
        ProjectStore.open(path).close()
        return []
    with ProjectStore.create(work / "doel.gpkg", name="Doel", user="tester") as store:
        import_layer(store, path, kind=case.kind)
    return []


def _api(case: Case, path: Path, work: Path) -> str:
    """Run the case through the Python API; return a deterministic description of the outcome."""
    exp = case.expect
    if exp.exc is not None:
        with pytest.raises(exp.exc) as info:
            _run(case, path, work)
        err = info.value
        assert isinstance(err, LayerError | ProjectError)
        assert exp.text in err.message or exp.text in err.hint, err.message
        assert "\n" not in err.one_line()
        assert SECRET not in err.one_line()
        return f"{type(err).__name__}: {err.message[:140]}"
    results = _run(case, path, work)
    warnings = {w.code: w.count for r in results for w in r.warnings}
    n = sum(len(r.frame) for r in results)
    if exp.code:
        assert warnings.get(exp.code) == exp.count, warnings
        return f"geladen ({n} objecten), waarschuwing {exp.code} × {warnings[exp.code]}"
    assert n == exp.count
    if exp.column:
        value = results[0].frame[exp.column].iloc[0]
        assert isinstance(value, str)
        assert len(value) == exp.chars
    return f"geladen ({n} objecten)" + (f", {exp.column} intact" if exp.column else "")


def _cli(case: Case, path: Path, work: Path, capsys: pytest.CaptureFixture[str]) -> str:
    kind = ["--kind", case.kind] if case.kind else []
    if case.via == "load":
        argv = ["inspect", str(path), *kind]
    elif case.via == "open":
        argv = ["project", "info", str(path)]
    else:
        target = work / "cli-doel.gpkg"
        ProjectStore.create(target, name="Doel", user="tester").close()
        argv = ["project", "import", str(target), str(path), *kind]
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert SECRET not in out + err
    if case.expect.exc is not None:
        fout = [line for line in err.splitlines() if line.startswith("fout: ")]
        assert code == 2, err
        assert len(fout) == 1, err
        assert case.expect.text in fout[0]
        return "exit 2, één regel «fout: …»"
    assert code == 0, err
    if case.expect.code:
        assert "waarschuwingen:" in out
    return "exit 0"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_case(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], record: Recorder
) -> None:
    row = record("corpus", case.id, case.target, case.description, case.expect.label)
    inputs = tmp_path / "invoer"
    inputs.mkdir()
    work = tmp_path / "werk"
    work.mkdir()
    path = case.make(inputs)
    before = _snapshot(inputs)
    api = _api(case, path, work)
    cli = _cli(case, path, work, capsys)
    # Nothing lost, nothing written: the input folder is byte-for-byte what it was (no sidecars,
    # no files extracted next to it), and nothing escaped the work folder either.
    assert _snapshot(inputs) == before
    assert not (tmp_path.parent / "buiten.txt").exists()
    row.outcome = f"API: {api}; CLI: {cli}"
    row.nothing_lost = "invoer ongewijzigd, geen bestanden erbij"
