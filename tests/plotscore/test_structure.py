"""The engine's own structure: no import cycles in plotscore; distance methods as an enum."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

from plotscore.columns import DistanceMethod

PLOTSCORE = Path(__file__).resolve().parents[2] / "plotscore"


def test_plotscore_has_no_import_cycles() -> None:
    graph = nx.DiGraph()
    for path in PLOTSCORE.glob("*.py"):
        me = f"plotscore.{path.stem}"
        graph.add_node(me)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("plotscore"):
                targets = (
                    [node.module]
                    if node.module != "plotscore"
                    else [f"plotscore.{a.name}" for a in node.names]
                )
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("plotscore")]
            else:
                continue
            for t in targets:
                if t != me and t != "plotscore":
                    graph.add_edge(me, t)
    assert list(nx.simple_cycles(graph)) == []


def test_distance_method_enum_reads_old_stored_strings() -> None:
    assert DistanceMethod.parse("netwerk") is DistanceMethod.NETWERK
    assert DistanceMethod.parse(" Network ") is DistanceMethod.NETWERK
    assert DistanceMethod.parse("hemelsbreed") is DistanceMethod.HEMELSBREED
    assert DistanceMethod.parse(None) is DistanceMethod.HEMELSBREED  # the cautious reading
    assert DistanceMethod.NETWERK == "netwerk"  # stored values stay readable text
