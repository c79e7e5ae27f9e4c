"""Realistic stand-ins for each online service, installed on a :class:`FakeServer`.

Every module has ``install(server, data_dir) -> dict[str, str]`` returning the base URLs it
serves (service name → URL, as for ``--base-url``). Answers are built from the real files in
``../shared/data`` (Delft BAG, OSM, CBS WFS GML; IMRO plans), never invented numbers.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from tests.online.fakeserver import FakeServer

MODULES = ("gebieden", "bag", "overpass", "plannen", "cbs", "brt")


def install_all(server: FakeServer, data_dir: Path) -> dict[str, str]:
    urls: dict[str, str] = {}
    for name in MODULES:
        if importlib.util.find_spec(f"tests.online.services.{name}") is None:
            continue  # a service module not written yet (work in progress)
        mod = importlib.import_module(f"tests.online.services.{name}")
        urls.update(mod.install(server, data_dir))
    return urls
