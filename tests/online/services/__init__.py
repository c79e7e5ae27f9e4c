"""Realistic stand-ins for each online service, installed on a :class:`FakeServer`.

Every module has ``install(server, data_dir) -> dict[str, str]`` returning the base URLs it
serves (service name → URL, as for ``--base-url``). Answers are built from the real files in
``../shared/data`` (Delft BAG, OSM, CBS WFS GML; IMRO plans), never invented numbers.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from tests.online.fakeserver import FakeServer

MODULES = ("gebieden", "bag", "overpass", "plannen", "cbs", "brt")


def install_all(server: FakeServer, data_dir: Path) -> dict[str, str]:
    urls: dict[str, str] = {}
    for name in MODULES:
        mod = importlib.import_module(f"tests.online.services.{name}")
        urls.update(mod.install(server, data_dir))
    return urls
