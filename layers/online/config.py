"""Service settings from ``resources/online/services.toml``, with overrides for mirrors and tests.

Base URLs are looked up in this order: an explicit override (CLI ``--base-url``, app settings),
the environment variable ``BODNAARPLOT_<SERVICE>_URL``, then the TOML default. API keys are
never part of the configuration file or a project: they come from the caller (app settings)
or the environment (``BODNAARPLOT_RP_API_KEY``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from resources import resource

__all__ = [
    "SERVICES",
    "FetchConfig",
    "HttpSettings",
    "Limits",
    "default_cache_dir",
    "load_config",
]

SERVICES = ("gebieden", "bag", "overpass", "plannen", "cbs", "brt", "locatieserver")
RP_API_KEY_ENV = "BODNAARPLOT_RP_API_KEY"


@dataclass(frozen=True, slots=True)
class HttpSettings:
    user_agent: str
    connect_timeout_s: float
    read_timeout_s: float
    max_attempts: int
    backoff_start_s: float
    max_backoff_s: float
    retry_statuses: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Limits:
    max_area_km2: float
    facility_buffer_m: float
    max_features: int


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Everything a fetcher needs to know besides the area.

    ``services[name]`` is the TOML table of a service with ``url`` resolved; ``cache_dir``
    holds downloads (resumable) and the gemeente list; ``api_keys`` maps a service name to its
    key (only ``plannen`` needs one).
    """

    http: HttpSettings
    limits: Limits
    services: Mapping[str, Mapping[str, Any]]
    cache_dir: Path
    api_keys: Mapping[str, str] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return str(self.services[service]["url"]).rstrip("/")

    def service(self, name: str) -> Mapping[str, Any]:
        return self.services[name]

    def with_overrides(
        self,
        *,
        urls: Mapping[str, str] | None = None,
        api_keys: Mapping[str, str] | None = None,
        cache_dir: Path | None = None,
        http: Mapping[str, Any] | None = None,
    ) -> FetchConfig:
        services = {k: dict(v) for k, v in self.services.items()}
        for name, url in (urls or {}).items():
            if name not in services:
                raise KeyError(name)
            services[name]["url"] = url
        keys = dict(self.api_keys)
        keys.update({k: v for k, v in (api_keys or {}).items() if v})
        return replace(
            self,
            services=services,
            api_keys=keys,
            cache_dir=cache_dir or self.cache_dir,
            http=replace(self.http, **dict(http or {})),
        )


def default_cache_dir() -> Path:
    """``BODNAARPLOT_CACHE_DIR``, else the platform cache folder (XDG on Linux)."""
    env = os.environ.get("BODNAARPLOT_CACHE_DIR")
    if env:
        return Path(env)
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return base / "bodnaarplot" / "cache"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "bodnaarplot"


def load_config(
    path: str | Path | None = None,
    *,
    urls: Mapping[str, str] | None = None,
    api_keys: Mapping[str, str] | None = None,
    cache_dir: Path | None = None,
) -> FetchConfig:
    """Read services.toml (or ``path``) and apply environment and explicit overrides."""
    if path is None:
        raw = tomllib.loads(resource("online", "services.toml").read_text(encoding="utf-8"))
    else:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    h = raw["http"]
    http = HttpSettings(
        user_agent=str(h["user_agent"]),
        connect_timeout_s=float(h["connect_timeout_s"]),
        read_timeout_s=float(h["read_timeout_s"]),
        max_attempts=int(h["max_attempts"]),
        backoff_start_s=float(h["backoff_start_s"]),
        max_backoff_s=float(h["max_backoff_s"]),
        retry_statuses=tuple(int(s) for s in h["retry_statuses"]),
    )
    lim = raw["limits"]
    limits = Limits(
        max_area_km2=float(lim["max_area_km2"]),
        facility_buffer_m=float(lim["facility_buffer_m"]),
        max_features=int(lim["max_features"]),
    )
    services: dict[str, dict[str, Any]] = {k: dict(v) for k, v in raw["services"].items()}
    for name in services:
        env = os.environ.get(f"BODNAARPLOT_{name.upper()}_URL")
        if env:
            services[name]["url"] = env
    keys: dict[str, str] = {}
    env_key = os.environ.get(RP_API_KEY_ENV)
    if env_key:
        keys["plannen"] = env_key
    base = FetchConfig(
        http=http, limits=limits, services=services, cache_dir=default_cache_dir(), api_keys=keys
    )
    return base.with_overrides(urls=urls, api_keys=api_keys, cache_dir=cache_dir)
