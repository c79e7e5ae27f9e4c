"""``bodnaarplot fetch`` end to end against the local fake services (no internet)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main
from projects.store import ProjectStore
from tests.online.fakeserver import FakeServer

GOES_BBOX = "49700,390600,52600,391100"  # the Goes plans of the fake RP API
DELFT_BBOX = "84000,446500,85000,447500"


@pytest.fixture
def env(fake: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every service at the fake server (env overrides), cache in tmp, a test API key, quick retries."""
    urls: dict[str, str] = fake.base_urls  # type: ignore[attr-defined]
    for name, url in urls.items():
        monkeypatch.setenv(f"BODNAARPLOT_{name.upper()}_URL", url)
    monkeypatch.setenv("BODNAARPLOT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BODNAARPLOT_RP_API_KEY", "test-key-123")
    _quick_http(monkeypatch)
    return urls


def _quick_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short back-off and time-outs, as the online_config fixture has (a CLI user gets the TOML's)."""
    import layers.online.config as config

    original = config.load_config

    def quick(*args, **kwargs):  # type: ignore[no-untyped-def]
        cfg = original(*args, **kwargs)
        return cfg.with_overrides(
            http={
                "backoff_start_s": 0.05,
                "max_backoff_s": 0.2,
                "read_timeout_s": 2.0,
                "connect_timeout_s": 2.0,
            }
        )

    monkeypatch.setattr(config, "load_config", quick)


def _layers(path: Path) -> list[tuple[str, str, str | None, int]]:
    with ProjectStore.open(path) as store:
        return [(ls.kind, ls.original_path, ls.data_date, ls.feature_count) for ls in store.layers()]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, _without_server_noise(err)


def _without_server_noise(err: str) -> str:
    """Drop what the fake server's threads print (socketserver's handle_error blocks between
    two lines of dashes, e.g. a reset connection); the rest is the CLI's own stderr."""
    kept, inside = [], False
    for line in err.splitlines(keepends=True):
        if line.strip() == "-" * 40:
            inside = not inside
            continue
        if not inside:
            kept.append(line)
    return "".join(kept)


def test_fetch_gemeente_then_plans_into_one_project(env, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path / "delft.gpkg"
    code, out, err = _run(
        capsys, "fetch", "--gemeente", "Delft", "--layers", "bag,osm,cbs", "--project", str(project)
    )
    assert code == 0, err
    assert "Traceback" not in err
    assert "project aangemaakt" in err
    assert out.splitlines()[0].startswith("Gebied: Delft (GM0503)")
    assert out.count("✓") == 3
    layers = _layers(project)
    kinds = {k for k, _u, _d, _n in layers}
    assert {"buildings", "facilities", "network_source", "neighbourhoods"} <= kinds
    by_service = {"buildings": env["bag"], "facilities": env["overpass"], "neighbourhoods": env["cbs"]}
    for kind, url, date, n in layers:
        if kind in by_service:
            assert url.startswith(by_service[kind]), (kind, url)
        assert date is not None
        assert len(date) == 10
        assert n > 0
    with ProjectStore.open(project) as store:
        info_name = store.layers()[0].label
    assert "Delft" in info_name
    # project info shows where each fetched layer came from, and when
    code, out, _err = _run(capsys, "project", "info", str(project))
    assert code == 0
    assert "peildatum" in out
    assert f"bron: {env['bag']}" in out
    code, out, _err = _run(capsys, "project", "info", str(project), "--json")
    sources = [layer["source"] for layer in json.loads(out)["layers"]]
    assert any(s.startswith(env["cbs"]) for s in sources)

    code, out, err = _run(
        capsys, "fetch", "--bbox", GOES_BBOX, "--layers", "plannen", "--project", str(project), "--json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] is True
    (plannen,) = report["layers"]
    assert plannen["key"] == "plannen"
    assert plannen["source_url"].startswith(env["plannen"])
    assert "test-key-123" not in out
    assert plannen["stored"]
    assert {s["kind"] for s in plannen["stored"]} == {"zoning"}
    kinds = {k for k, _u, _d, _n in _layers(project)}
    assert {"buildings", "facilities", "network_source", "neighbourhoods", "zoning"} <= kinds
    with ProjectStore.open(project) as store:
        assert all(
            "test-key-123" not in (ls.original_path + json.dumps(ls.meta or {})) for ls in store.layers()
        )


def test_offline_keeps_the_project_and_says_so(env, tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path / "p.gpkg"
    code, _out, err = _run(
        capsys, "fetch", "--bbox", DELFT_BBOX, "--layers", "cbs", "--project", str(project)
    )
    assert code == 0, err
    before = _layers(project)
    assert [k for k, *_ in before] == ["neighbourhoods"]
    monkeypatch.setenv("BODNAARPLOT_CACHE_DIR", str(tmp_path / "empty-cache"))  # nothing to fall back on
    offline = [f"--base-url={name}=http://127.0.0.1:9" for name in ("bag", "overpass", "cbs")]
    code, out, err = _run(
        capsys, "fetch", "--bbox", DELFT_BBOX, "--layers", "bag,osm,cbs", "--project", str(project), *offline
    )
    assert code == 2
    assert "Traceback" not in out + err
    failed = [line for line in out.splitlines() if line.startswith("✗")]
    assert len(failed) == 3
    assert all("Geen verbinding" in line for line in failed)
    assert err.strip().splitlines()[-1].startswith("fout: ")
    assert _layers(project) == before


def test_one_service_failing_costs_only_its_layers(env, fake, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path / "p.gpkg"
    prefix = "/" + env["overpass"].split("/", 3)[3]
    fake.fault(prefix, status=500, times=50)
    code, out, err = _run(
        capsys, "fetch", "--bbox", DELFT_BBOX, "--layers", "bag,osm,cbs", "--project", str(project)
    )
    assert code == 2
    assert "Traceback" not in out + err
    failed = [line for line in out.splitlines() if line.startswith("✗")]
    assert len(failed) == 1
    assert "OpenStreetMap" in failed[0]
    assert sorted({k for k, *_ in _layers(project)}) == ["buildings", "neighbourhoods"]


def test_unknown_gemeente_suggests_and_creates_nothing(env, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path / "p.gpkg"
    code, out, err = _run(capsys, "fetch", "--gemeente", "Delf", "--project", str(project))
    assert code == 2
    assert out == ""
    assert err.splitlines()[-1].startswith("fout: Gemeente 'Delf' niet gevonden.")
    assert "Bedoelt u: Delft?" in err
    assert not project.exists()


def test_bad_arguments_are_dutch_errors(env, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path / "p.gpkg"
    code, _out, err = _run(
        capsys, "fetch", "--bbox", DELFT_BBOX, "--project", str(project), "--base-url", "kadaster=http://x"
    )
    assert code == 2
    assert "Onbekende dienst 'kadaster'" in err
    assert "gebieden, bag, overpass, plannen, cbs, brt" in err
    code, _out, err = _run(
        capsys, "fetch", "--bbox", DELFT_BBOX, "--project", str(project), "--layers", "bag,foo"
    )
    assert code == 2
    assert "Onbekende gegevenssoort: foo" in err
    code, _out, err = _run(capsys, "fetch", "--bbox", "4.3,52.0,4.4,52.1", "--project", str(project))
    assert code == 2
    assert "graden" in err
    code, _out, err = _run(
        capsys,
        "fetch",
        "--bbox",
        DELFT_BBOX,
        "--project",
        str(project),
        "--rp-api-key-file",
        str(tmp_path / "nope"),
    )
    assert code == 2
    assert "sleutelbestand" in err
    assert not project.exists()


def test_api_key_from_a_file(env, tmp_path, capsys, monkeypatch, fake) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("BODNAARPLOT_RP_API_KEY")
    key_file = tmp_path / "rp.key"
    key_file.write_text("test-key-123\n", encoding="utf-8")
    project = tmp_path / "p.gpkg"
    code, out, err = _run(
        capsys,
        "fetch",
        "--bbox",
        GOES_BBOX,
        "--layers",
        "plannen",
        "--project",
        str(project),
        "--rp-api-key-file",
        str(key_file),
    )
    assert code == 0, err
    assert "✓" in out
    assert "test-key-123" not in out + err
