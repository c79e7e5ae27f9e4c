"""Checkpointed, resumable fetching of a sequence of requests (pages or tiles).

A fetch is a chain of :class:`Request` s: the first is given, each next one follows from the
page just received (an OGC API ``rel=next`` link, the next tile, the next plan). Every page is
written to the cache folder before the next request, together with the request that comes
next, so an interrupted fetch (network gone, app closed, cancelled) continues where it stopped
instead of starting over. A finished chain is reused while younger than ``max_age_s``; when the
service cannot be reached, an older finished chain is used and the result says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from layers.online.errors import OfflineError, ServiceError, ServiceLimitError
from layers.online.http import HttpClient, dumps, redact

__all__ = ["PageChain", "Request", "fetch_pages"]


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request of a chain (JSON-serialisable, so it can be checkpointed)."""

    url: str
    method: str = "GET"
    params: dict[str, Any] = field(default_factory=dict)
    json_body: Any = None
    data: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # never secrets: those live in the client

    def describe(self) -> str:
        """The full URL with its query (for ``Fetched.source_url`` and messages), keys masked."""
        if not self.params:
            return redact(self.url)
        query = urlencode({k: v for k, v in self.params.items() if v is not None}, doseq=True, safe=",:/")
        return redact(f"{self.url}{'&' if '?' in self.url else '?'}{query}")


@dataclass(frozen=True, slots=True)
class PageChain:
    """The pages of a finished chain, oldest first, with when the chain was retrieved."""

    pages: tuple[Path, ...]
    retrieved_at: datetime
    source_url: str
    from_cache: bool = False
    stale: bool = False  # an older cache used because the service could not be reached
    requests_made: int = 0

    def read_json(self, i: int) -> Any:
        return json.loads(self.pages[i].read_bytes())


def _write_atomic(path: Path, content: bytes) -> None:
    # Unique per process and thread: two fetches of the same chain (the dialog's gemeente list
    # and a fetch) must not rename each other's half-written file.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def chain_folder(cache_dir: Path, service: str, key: Mapping[str, Any]) -> Path:
    """The cache folder of a chain: service name + a hash of everything that defines it."""
    digest = hashlib.sha256(dumps(dict(key))).hexdigest()[:20]
    return cache_dir / "fetch" / service / digest


def fetch_pages(
    client: HttpClient,
    folder: Path,
    first: Request,
    next_of: Callable[[int, bytes], Request | None],
    *,
    expect_json: bool = True,
    max_pages: int = 100_000,
    max_age_s: float = 24 * 3600,
    refresh: bool = False,
    progress_of: Callable[[int, bytes], tuple[float | None, str]] | None = None,
) -> PageChain:
    """Run the chain from ``first`` (or from its checkpoint) and return its pages.

    ``next_of(index, body)`` gives the request after page ``index`` or None at the end;
    ``progress_of(index, body)`` gives (fraction or None, Dutch text) after each page.
    """
    state_path = folder / "state.json"
    state = _read_state(state_path, first)
    if state is not None and state.get("done"):
        age = datetime.now(UTC) - datetime.fromisoformat(state["retrieved_at"])
        if not refresh and age.total_seconds() <= max_age_s:
            return _chain(folder, state, first, from_cache=True)
        # Refresh into a side folder, so the old pages stay usable until the new ones are whole.
        side = folder.with_name(folder.name + ".refresh")
        side_state = _read_state(side / "state.json", first)
        try:
            _run(client, side, first, next_of, side_state, expect_json, max_pages, progress_of)
        except OfflineError:
            if _complete(folder, state):
                return _chain(folder, state, first, from_cache=True, stale=True)
            raise
        shutil.rmtree(folder)
        os.replace(side, folder)
        fresh = _read_state(state_path, first)
        assert fresh is not None
        return _chain(folder, fresh, first, from_cache=False)
    return _run(client, folder, first, next_of, state, expect_json, max_pages, progress_of)


def _read_state(path: Path, first: Request) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a damaged checkpoint: start over
    return state if state.get("first") == asdict(first) else None


def _complete(folder: Path, state: Mapping[str, Any]) -> bool:
    return all((folder / f"page-{i:05d}").exists() for i in range(int(state.get("pages", 0))))


def _chain(
    folder: Path,
    state: Mapping[str, Any],
    first: Request,
    *,
    from_cache: bool,
    stale: bool = False,
    made: int = 0,
) -> PageChain:
    pages = tuple(folder / f"page-{i:05d}" for i in range(int(state["pages"])))
    return PageChain(
        pages=pages,
        retrieved_at=datetime.fromisoformat(state["retrieved_at"]),
        source_url=first.describe(),
        from_cache=from_cache,
        stale=stale,
        requests_made=made,
    )


def _run(
    client: HttpClient,
    folder: Path,
    first: Request,
    next_of: Callable[[int, bytes], Request | None],
    state: dict[str, Any] | None,
    expect_json: bool,
    max_pages: int,
    progress_of: Callable[[int, bytes], tuple[float | None, str]] | None,
) -> PageChain:
    resuming = state is not None and state.get("next") is not None and _complete(folder, state)
    if not resuming:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        state = {
            "first": asdict(first),
            "next": asdict(first),
            "pages": 0,
            "done": False,
            "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        _write_atomic(folder / "state.json", dumps(state))
    assert state is not None
    made_before = client.requests_made
    if resuming:
        client.report(
            None, f"{client.service}: verder waar het vorige ophalen stopte (pagina {state['pages'] + 1})"
        )
    while state["next"] is not None:
        index = int(state["pages"])
        if index >= max_pages:
            raise ServiceLimitError(
                f"{client.service} levert meer dan {max_pages} pagina's voor dit gebied.",
                hint="Kies een kleiner gebied.",
                service=client.service,
            )
        req = Request(**state["next"])
        method = req.method.upper()
        kwargs: dict[str, Any] = {"params": req.params or None, "headers": req.headers or None}
        if req.json_body is not None:
            kwargs["json_body"] = req.json_body
        if req.data is not None:
            kwargs["data"] = req.data
        body = client.content(method, req.url, **kwargs)
        if expect_json:
            try:
                json.loads(body)
            except ValueError as exc:
                raise ServiceError(
                    f"{client.service} gaf een onleesbaar antwoord (geen geldige JSON) op pagina {index + 1}.",
                    hint="De dienst heeft mogelijk een storing; probeer het later opnieuw. Eerdere pagina's blijven bewaard.",
                    service=client.service,
                    url=req.describe(),
                ) from exc
        nxt = next_of(index, body)
        _write_atomic(folder / f"page-{index:05d}", body)
        state["pages"] = index + 1
        state["next"] = asdict(nxt) if nxt is not None else None
        state["done"] = nxt is None
        _write_atomic(folder / "state.json", dumps(state))
        if progress_of is not None:
            fraction, text = progress_of(index, body)
            client.report(fraction, text)
    return _chain(folder, state, first, from_cache=False, made=client.requests_made - made_before)
