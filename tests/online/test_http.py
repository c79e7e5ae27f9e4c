"""HttpClient against a local server: retries, Retry-After, cancellation, resume, messages."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from layers.online.config import HttpSettings, load_config
from layers.online.errors import OfflineError, ServiceError
from layers.online.http import HttpClient, redact
from tests.online.fakeserver import FakeResponse, FakeServer

BLOB = os.urandom(1_200_000)  # large enough to arrive in several chunks


class Cancelled(Exception):
    pass


@pytest.fixture
def server() -> Iterator[FakeServer]:
    srv = FakeServer()
    srv.route("GET", r"/ok", lambda req: FakeResponse.of_json({"ok": True, "q": req.query}))
    srv.route("GET", r"/bad-json", lambda req: FakeResponse(b'{"ok": tru', 200))
    srv.route(
        "GET",
        r"/blob",
        lambda req: FakeResponse(BLOB, 200, "application/octet-stream", {"Accept-Ranges": "bytes"}),
    )
    with srv:
        yield srv


def _settings(**changes: object) -> HttpSettings:
    base = replace(
        load_config().http, backoff_start_s=0.05, max_backoff_s=2.0, read_timeout_s=2.0, connect_timeout_s=2.0
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _client(**changes: object) -> tuple[HttpClient, list[str]]:
    seen: list[str] = []
    return HttpClient(_settings(**changes), service="Testdienst", progress=lambda f, t: seen.append(t)), seen


def test_retries_then_success(server: FakeServer) -> None:
    server.fault("/ok", status=503, times=2)
    client, seen = _client()
    assert client.json("GET", f"{server.url}/ok", params={"a": "1"}) == {"ok": True, "q": {"a": "1"}}
    assert len(server.requests_to("/ok")) == 3 == client.requests_made
    assert any("serverfout 503" in t for t in seen)


def test_attempts_exhausted(server: FakeServer) -> None:
    server.fault("/ok", status=502, times=3)
    client, _ = _client(max_attempts=3)
    with pytest.raises(ServiceError) as err:
        client.get(f"{server.url}/ok")
    assert err.value.status == 502
    assert err.value.message == "Testdienst blijft fouten geven (HTTP 502) na 3 pogingen."
    assert len(server.requests_to("/ok")) == 3


def test_retry_after_is_honoured(server: FakeServer) -> None:
    server.fault("/ok", status=429, retry_after="1")
    client, seen = _client()
    start = time.monotonic()
    client.get(f"{server.url}/ok")
    assert time.monotonic() - start >= 1.0
    assert any("te veel verzoeken; nieuwe poging over 1 s" in t for t in seen)


def test_malformed_retry_after_falls_back_to_our_backoff(server: FakeServer) -> None:
    server.fault("/ok", status=429, retry_after="bald, echt")
    client, _ = _client()
    assert client.json("GET", f"{server.url}/ok")["ok"] is True
    assert len(server.requests_to("/ok")) == 2


def test_retry_after_longer_than_we_wait(server: FakeServer) -> None:
    server.fault("/ok", status=429, retry_after="600")
    client, _ = _client()
    start = time.monotonic()
    with pytest.raises(ServiceError) as err:
        client.get(f"{server.url}/ok")
    assert time.monotonic() - start < 5.0  # it did not wait the 600 s the server asked for
    assert "vraagt 10 minuten te wachten" in err.value.message


def test_cancel_during_backoff(server: FakeServer) -> None:
    server.fault("/ok", status=503, retry_after="8")

    def progress(_fraction: float, text: str) -> None:
        if "nieuwe poging" in text:
            raise Cancelled

    client = HttpClient(_settings(max_backoff_s=10.0), service="Testdienst", progress=progress)
    start = time.monotonic()
    with pytest.raises(Cancelled):
        client.get(f"{server.url}/ok")
    assert time.monotonic() - start < 4.0  # stopped at once, not after the 8 s wait
    assert len(server.requests_to("/ok")) == 1


def test_download_resumes_with_range(server: FakeServer, tmp_path: Path) -> None:
    dest = tmp_path / "blob.bin"
    client, _ = _client()
    server.fault("/blob", drop=True)
    with pytest.raises(ServiceError) as err:
        client.download(f"{server.url}/blob", dest)
    assert "brak af" in err.value.message
    part = dest.with_name("blob.bin.part")
    assert not dest.exists()
    assert part.exists()
    have = part.stat().st_size
    assert 0 < have < len(BLOB)
    client.download(f"{server.url}/blob", dest)
    second = server.requests_to("/blob")[-1]
    assert second.header("Range") == f"bytes={have}-"
    assert dest.read_bytes() == BLOB
    assert not part.exists()


def test_download_complete_part_gets_416(server: FakeServer, tmp_path: Path) -> None:
    dest = tmp_path / "blob.bin"
    dest.with_name("blob.bin.part").write_bytes(BLOB)
    client, _ = _client()
    client.download(f"{server.url}/blob", dest)
    assert dest.read_bytes() == BLOB


def test_dropped_body_in_content(server: FakeServer) -> None:
    server.fault("/blob", drop=True)
    client, _ = _client()
    with pytest.raises(ServiceError) as err:
        client.content("GET", f"{server.url}/blob")
    assert "brak af" in err.value.message


def test_api_keys_never_in_messages(server: FakeServer) -> None:
    server.route("GET", r"/secret", lambda req: FakeResponse.of_json({"title": "Forbidden"}, 403))
    client = HttpClient(_settings(), service="RP", headers={"x-api-key": "geheim-123"})
    with pytest.raises(ServiceError) as err:
        client.get(f"{server.url}/secret?api_key=geheim-456&bbox=1,2,3,4")
    text = f"{err.value.one_line()} {err.value.url} {err.value!r}"
    assert "geheim" not in text
    assert "api_key=***" in (err.value.url or "")
    assert "bbox=1,2,3,4" in (err.value.url or "")
    assert "weigert de toegang (HTTP 403)" in err.value.message
    assert server.requests_to("/secret")[0].header("x-api-key") == "geheim-123"
    assert redact("https://x/y?key=a&token=b&q=c") == "https://x/y?key=***&token=***&q=c"


def test_malformed_json(server: FakeServer) -> None:
    client, _ = _client()
    with pytest.raises(ServiceError) as err:
        client.json("GET", f"{server.url}/bad-json")
    assert "geen geldige JSON" in err.value.message


def test_status_messages(server: FakeServer) -> None:
    report = (
        b'<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1">'
        b"<ows:Exception><ows:ExceptionText>TYPENAME &apos;x&apos; doesn&apos;t exist</ows:ExceptionText>"
        b"</ows:Exception></ows:ExceptionReport>"
    )
    server.route("GET", r"/wfs", lambda req: FakeResponse(report, 400, "text/xml"))
    server.route(
        "GET", r"/problem", lambda req: FakeResponse(json.dumps({"detail": "bbox te groot"}).encode(), 400)
    )
    client, _ = _client()
    with pytest.raises(ServiceError) as err:
        client.get(f"{server.url}/nergens")
    assert "kent dit adres niet (HTTP 404)" in err.value.message
    with pytest.raises(ServiceError) as err:
        client.get(f"{server.url}/wfs")
    assert err.value.message == "Testdienst weigerde het verzoek (HTTP 400): TYPENAME 'x' doesn't exist"
    with pytest.raises(ServiceError) as err:
        client.get(f"{server.url}/problem")
    assert err.value.hint == "bbox te groot"


def test_connection_refused_is_offline() -> None:
    client, seen = _client(max_attempts=2)
    with pytest.raises(OfflineError) as err:
        client.get("http://127.0.0.1:9/x")
    assert err.value.message == "Geen verbinding met Testdienst."
    assert any("geen verbinding; nieuwe poging" in t for t in seen)


def test_slow_answer_times_out(server: FakeServer) -> None:
    server.fault("/ok", slow_s=1.0, times=2)
    client, _ = _client(read_timeout_s=0.3, max_attempts=2)
    with pytest.raises(ServiceError) as err:
        client.get(f"{server.url}/ok")
    assert "time-out na 0.3 s" in err.value.message
