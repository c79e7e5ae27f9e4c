"""fetch_pages: checkpointed chains, resume, cache reuse, stale fallback, limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from layers.online.config import load_config
from layers.online.errors import OfflineError, ServiceError, ServiceLimitError
from layers.online.http import HttpClient
from layers.online.pages import Request, chain_folder, fetch_pages
from tests.online.fakeserver import FakeRequest, FakeResponse, FakeServer

PAGES = 3


def _page(req: FakeRequest) -> FakeResponse:
    n = int(req.query.get("page", "0"))
    nxt = n + 1 if n + 1 < PAGES else None
    return FakeResponse.of_json({"page": n, "items": list(range(n * 10, n * 10 + 10)), "next": nxt})


@pytest.fixture
def server() -> Iterator[FakeServer]:
    srv = FakeServer()
    srv.route("GET", r"/p", _page)
    with srv:
        yield srv


def _client(progress: object = None) -> HttpClient:
    settings = replace(
        load_config().http, backoff_start_s=0.05, max_backoff_s=1.0, read_timeout_s=2.0, max_attempts=2
    )
    return HttpClient(settings, service="Testdienst", progress=progress)  # type: ignore[arg-type]


def _next_of(url: str):  # type: ignore[no-untyped-def]
    def next_of(_index: int, body: bytes) -> Request | None:
        nxt = json.loads(body)["next"]
        return None if nxt is None else Request(url=url, params={"page": nxt})

    return next_of


def _run(server: FakeServer, folder: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    url = f"{server.url}/p"
    client = kwargs.pop("client", None) or _client()
    return fetch_pages(client, folder, Request(url=url, params={"page": 0}), _next_of(url), **kwargs)  # type: ignore[arg-type]


def test_chain_and_cache(server: FakeServer, tmp_path: Path) -> None:
    chain = _run(server, tmp_path / "c")
    assert [chain.read_json(i)["page"] for i in range(len(chain.pages))] == [0, 1, 2]
    assert not chain.from_cache
    assert chain.requests_made == PAGES
    assert chain.source_url == f"{server.url}/p?page=0"
    again = _run(server, tmp_path / "c")
    assert again.from_cache
    assert again.retrieved_at == chain.retrieved_at
    assert len(server.requests_to("/p")) == PAGES


def test_resume_after_malformed_page(server: FakeServer, tmp_path: Path) -> None:
    armed: list[bool] = []

    def progress(_f: float, text: str) -> None:
        if text == "pagina 1 binnen" and not armed:
            armed.append(True)
            server.fault("/p", malformed=True)

    client = _client(progress)
    url = f"{server.url}/p"
    with pytest.raises(ServiceError) as err:
        fetch_pages(
            client,
            tmp_path / "c",
            Request(url=url, params={"page": 0}),
            _next_of(url),
            progress_of=lambda i, _b: (None, f"pagina {i + 1} binnen"),
        )
    assert "pagina 2" in err.value.message
    assert (tmp_path / "c" / "page-00000").exists()
    assert not (tmp_path / "c" / "page-00001").exists()
    chain = _run(server, tmp_path / "c")
    pages = [r.query["page"] for r in server.requests_to("/p")]
    assert pages == ["0", "1", "1", "2"]  # page 0 was not asked again
    assert len(chain.pages) == PAGES
    assert chain.requests_made == 2


def test_changed_first_request_starts_over(server: FakeServer, tmp_path: Path) -> None:
    _run(server, tmp_path / "c")
    url = f"{server.url}/p"
    chain = fetch_pages(_client(), tmp_path / "c", Request(url=url, params={"page": 1}), _next_of(url))
    assert [chain.read_json(i)["page"] for i in range(len(chain.pages))] == [1, 2]
    assert not chain.from_cache


def test_stale_cache_when_offline(server: FakeServer, tmp_path: Path) -> None:
    first = _run(server, tmp_path / "c")
    server.stop()
    chain = _run(server, tmp_path / "c", max_age_s=0)
    assert chain.stale
    assert chain.from_cache
    assert chain.retrieved_at == first.retrieved_at
    assert len(chain.pages) == PAGES


def test_offline_without_cache(server: FakeServer, tmp_path: Path) -> None:
    server.stop()
    with pytest.raises(OfflineError):
        _run(server, tmp_path / "c")


def test_refresh_replaces_pages(server: FakeServer, tmp_path: Path) -> None:
    _run(server, tmp_path / "c")
    chain = _run(server, tmp_path / "c", refresh=True)
    assert not chain.from_cache
    assert not chain.stale
    assert len(server.requests_to("/p")) == 2 * PAGES
    assert not (tmp_path / "c.refresh").exists()
    assert len(chain.pages) == PAGES
    assert all(p.exists() for p in chain.pages)


def test_max_pages(server: FakeServer, tmp_path: Path) -> None:
    with pytest.raises(ServiceLimitError) as err:
        _run(server, tmp_path / "c", max_pages=2)
    assert "meer dan 2 pagina's" in err.value.message


def test_request_describe_and_folder(tmp_path: Path) -> None:
    req = Request(url="https://x/items", params={"bbox": "1,2,3,4", "key": "geheim", "limit": 10})
    assert req.describe() == "https://x/items?bbox=1,2,3,4&key=***&limit=10"
    a = chain_folder(tmp_path, "bag", {"bbox": "1,2,3,4", "c": "pand"})
    assert a == chain_folder(tmp_path, "bag", {"c": "pand", "bbox": "1,2,3,4"})
    assert a != chain_folder(tmp_path, "bag", {"c": "verblijfsobject", "bbox": "1,2,3,4"})
