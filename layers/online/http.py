"""The one HTTP client of the fetchers: timeouts, retries with backoff, cancellation, resume.

Built on ``requests`` (connection pooling, TLS, proxies from the environment) and urllib3's
``Retry-After`` parser. Retries happen here rather than inside urllib3 so that every wait is
reported ("server druk (429), nieuwe poging over 4 s") and can be cancelled: the progress
callback is called at least every 0.25 s while waiting and between streamed chunks, and a
callback that raises (the app's ``Cancelled``) stops the work there.

Failures become :class:`~layers.online.errors.FetchError` subclasses with Dutch text:
no connection → :class:`OfflineError`; HTTP errors, time-outs and malformed bodies →
:class:`ServiceError`. API keys are sent as headers and never appear in messages or logs.
"""

from __future__ import annotations

import html
import json
import logging
import os
import random
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import requests
from urllib3.exceptions import InvalidHeader
from urllib3.util import Retry

from layers.online.config import HttpSettings
from layers.online.errors import OfflineError, ServiceError

__all__ = ["HttpClient", "Progress", "redact"]

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]

_CHUNK = 256 * 1024
_SECRET_HEADERS = {"x-api-key", "authorization"}
# A body cut off mid-transfer: requests reports a short read as ChunkedEncodingError (not a
# ConnectionError), so it is listed explicitly.
_BROKEN_BODY = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
_OWS_TEXT = re.compile(rb"<(?:\w+:)?ExceptionText>(.*?)</(?:\w+:)?ExceptionText>", re.DOTALL)


def redact(url: str) -> str:
    """A URL fit for messages and logs: query values that look like keys are masked."""
    if "?" not in url:
        return url
    base, _, query = url.partition("?")
    parts = []
    for item in query.split("&"):
        name, sep, value = item.partition("=")
        if name.lower() in ("key", "apikey", "api_key", "x-api-key", "token", "access_token") and value:
            value = "***"
        parts.append(f"{name}{sep}{value}")
    return f"{base}?{'&'.join(parts)}"


class HttpClient:
    """HTTP for one service (``service`` is its display name, used in every message).

    ``progress`` is the caller's callback; :meth:`report` forwards to it and remembers the
    fraction, so waits and streamed bytes are reported at the fetch's current position.
    """

    def __init__(
        self,
        settings: HttpSettings,
        *,
        service: str,
        progress: Progress | None = None,
        headers: Mapping[str, str] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.settings = settings
        self.service = service
        self.progress = progress
        self.fraction = 0.0
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent
        for name, value in (headers or {}).items():
            self.session.headers[name] = value
        self.requests_made = 0

    # --- progress and cancellation ----------------------------------------------------------

    def report(self, fraction: float | None, text: str) -> None:
        """Forward to the progress callback (which may raise to cancel)."""
        if fraction is not None:
            self.fraction = min(1.0, max(0.0, fraction))
        if self.progress is not None:
            self.progress(self.fraction, text)

    def sleep(self, seconds: float, text: str) -> None:
        """Wait, reporting (and so staying cancellable) every 0.25 s."""
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            self.report(None, text.format(s=max(1, round(left))))
            time.sleep(min(0.25, left))

    # --- requests ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        data: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
        ok_statuses: tuple[int, ...] = (200,),
    ) -> requests.Response:
        """Send a request, retrying 429/5xx and dropped connections with backoff.

        Returns a response whose status is in ``ok_statuses``; anything else raises.
        """
        s = self.settings
        attempt = 0
        while True:
            attempt += 1
            again = f" (poging {attempt})" if attempt > 1 else ""
            self.report(None, f"{self.service}: verzoek{again} …")
            try:
                self.requests_made += 1
                resp = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    data=data,
                    headers=dict(headers or {}),
                    stream=stream,
                    timeout=(s.connect_timeout_s, s.read_timeout_s),
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                timed_out = isinstance(exc, requests.Timeout)
                # No route or refused: rarely gone in seconds, so say "offline" after one retry
                # instead of keeping the user waiting through the whole backoff ladder.
                limit = s.max_attempts if timed_out else min(2, s.max_attempts)
                if attempt >= limit:
                    raise self._connection_error(exc, url, timed_out) from exc
                wait = self._backoff(attempt)
                reason = "geen antwoord (time-out)" if timed_out else "geen verbinding"
                log.info("%s: %s on %s, retry in %.1f s", self.service, type(exc).__name__, redact(url), wait)
                self.sleep(wait, f"{self.service}: {reason}; nieuwe poging over {{s}} s ({attempt}/{limit})")
                continue
            if resp.status_code in ok_statuses:
                return resp
            if resp.status_code in s.retry_statuses and attempt < s.max_attempts:
                wait = self._backoff(attempt)
                after = resp.headers.get("Retry-After")
                if after:
                    asked = self._retry_after(after)
                    if asked is not None:
                        if asked > s.max_backoff_s:
                            resp.close()
                            raise ServiceError(
                                f"{self.service} is overbelast en vraagt {round(asked / 60)} minuten te wachten.",
                                hint="Probeer het later opnieuw; wat al is opgehaald blijft bewaard.",
                                service=self.service,
                                url=redact(url),
                                status=resp.status_code,
                            )
                        wait = max(wait, asked)
                resp.close()
                label = "te veel verzoeken" if resp.status_code == 429 else f"serverfout {resp.status_code}"
                log.info(
                    "%s: HTTP %s on %s, retry in %.1f s", self.service, resp.status_code, redact(url), wait
                )
                self.sleep(
                    wait, f"{self.service}: {label}; nieuwe poging over {{s}} s ({attempt}/{s.max_attempts})"
                )
                continue
            raise self._status_error(resp, url)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def json(self, method: str, url: str, **kwargs: Any) -> Any:
        """A request whose answer must be JSON; malformed JSON is a :class:`ServiceError`."""
        resp = self.request(method, url, **kwargs)
        try:
            return resp.json()
        except ValueError as exc:
            raise ServiceError(
                f"{self.service} gaf een onleesbaar antwoord (geen geldige JSON).",
                hint="De dienst heeft mogelijk een storing; probeer het later opnieuw.",
                service=self.service,
                url=redact(url),
                status=resp.status_code,
            ) from exc

    def content(self, method: str, url: str, **kwargs: Any) -> bytes:
        """A request's whole body, read in chunks so that progress keeps moving."""
        resp = self.request(method, url, stream=True, **kwargs)
        chunks: list[bytes] = []
        got = 0
        try:
            for chunk in resp.iter_content(_CHUNK):
                chunks.append(chunk)
                got += len(chunk)
                self.report(None, f"{self.service}: {got / 1e6:.1f} MB ontvangen")
        except _BROKEN_BODY as exc:
            raise self._connection_error(exc, url, isinstance(exc, requests.Timeout), midway=True) from exc
        finally:
            resp.close()
        return b"".join(chunks)

    def download(
        self,
        url: str,
        dest: Path,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Path:
        """Stream a GET to ``dest``, resuming an interrupted ``dest.part`` with a Range request.

        The file appears under its final name only when complete (atomic rename), so a
        half-downloaded file is never mistaken for data.
        """
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(dest.name + ".part")
        have = part.stat().st_size if part.exists() else 0
        hdrs = dict(headers or {})
        if have:
            hdrs["Range"] = f"bytes={have}-"
        resp = self.request("GET", url, params=params, headers=hdrs, stream=True, ok_statuses=(200, 206, 416))
        try:
            if resp.status_code == 416:  # nothing left to send: the part is complete
                os.replace(part, dest)
                return dest
            resumed = resp.status_code == 206 and resp.headers.get("Content-Range", "").startswith(
                f"bytes {have}-"
            )
            total = int(resp.headers.get("Content-Length") or 0) + (have if resumed else 0)
            got = have if resumed else 0
            with open(part, "ab" if resumed else "wb") as fh:
                for chunk in resp.iter_content(_CHUNK):
                    fh.write(chunk)
                    got += len(chunk)
                    size = f" van {total / 1e6:.1f}" if total else ""
                    self.report(None, f"{self.service}: {got / 1e6:.1f}{size} MB ontvangen")
                fh.flush()
                os.fsync(fh.fileno())
        except _BROKEN_BODY as exc:
            raise self._connection_error(exc, url, isinstance(exc, requests.Timeout), midway=True) from exc
        finally:
            resp.close()
        os.replace(part, dest)
        return dest

    # --- helpers ----------------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        s = self.settings
        base = s.backoff_start_s * (2 ** (attempt - 1))
        return float(min(s.max_backoff_s, base * (0.75 + 0.5 * random.random())))

    @staticmethod
    def _retry_after(value: str) -> float | None:
        """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if unreadable."""
        try:
            return float(Retry().parse_retry_after(value))
        except InvalidHeader:  # a malformed header: use our own backoff instead
            return None

    def _connection_error(
        self, exc: Exception, url: str, timed_out: bool, *, midway: bool = False
    ) -> OfflineError | ServiceError:
        where = redact(url)
        if midway:
            return ServiceError(
                f"De verbinding met {self.service} brak af tijdens het ophalen.",
                hint="Start opnieuw: wat al binnen is, wordt niet opnieuw opgehaald.",
                service=self.service,
                url=where,
            )
        if timed_out:
            return ServiceError(
                f"{self.service} reageert niet (time-out na {self.settings.read_timeout_s:g} s).",
                hint="De dienst is traag of onbereikbaar; probeer het later opnieuw.",
                service=self.service,
                url=where,
            )
        log.info("%s unreachable: %s", self.service, exc)
        return OfflineError(
            f"Geen verbinding met {self.service}.",
            hint="Controleer de internetverbinding (of de proxy). Eerder opgehaalde gegevens blijven bruikbaar.",
            service=self.service,
            url=where,
        )

    def _status_error(self, resp: requests.Response, url: str) -> ServiceError:
        status = resp.status_code
        detail = ""
        try:
            raw = resp.content[:65536]
        except _BROKEN_BODY:
            raw = b""
        finally:
            resp.close()
        ows = _OWS_TEXT.search(raw)  # an OGC (WFS/WMS) ExceptionReport
        if ows:
            detail = " ".join(html.unescape(ows.group(1).decode("utf-8", "replace")).split())[:300]
        else:
            try:
                body = json.loads(raw)
                if isinstance(body, Mapping):
                    detail = str(body.get("detail") or body.get("title") or body.get("message") or "")[:200]
            except ValueError:
                detail = ""
        if status in (401, 403):
            message = f"{self.service} weigert de toegang (HTTP {status})."
            hint = "Controleer de API-sleutel in Instellingen (of de omgevingsvariabele)."
        elif status == 404:
            message = f"{self.service} kent dit adres niet (HTTP 404)."
            hint = "Controleer het basisadres van de dienst in de instellingen."
        elif status in self.settings.retry_statuses:
            message = f"{self.service} blijft fouten geven (HTTP {status}) na {self.settings.max_attempts} pogingen."
            hint = "De dienst heeft een storing; probeer het later opnieuw. Wat al binnen is, blijft bewaard."
        elif ows:
            message = f"{self.service} weigerde het verzoek (HTTP {status}): {detail}"
            hint = "Controleer het gebied en de instellingen (typenaam, basisadres)."
        else:
            message = f"{self.service} weigerde het verzoek (HTTP {status})."
            hint = detail or "Controleer het gebied en de instellingen."
        return ServiceError(message, hint=hint, service=self.service, url=redact(url), status=status)


def dumps(obj: Any) -> bytes:
    """Compact, stable JSON bytes (for checkpoints)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
