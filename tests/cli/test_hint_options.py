"""Every hint and warning names only options that exist: checked against the real argparse parser.

The texts are taken from the source (the ``hint=`` of every error, the message of every
``warnings.add`` and of every ``...Error(...)``), so a new text that tells users to use
``--category-map`` or ``layer=...`` fails here before a user meets it.
"""

from __future__ import annotations

import argparse
import ast
import re
from collections.abc import Iterator
from pathlib import Path

from cli.main import _build_parser

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("layers", "projects", "plotscore", "cli")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def _options(parser: argparse.ArgumentParser) -> set[str]:
    out = {s for action in parser._actions for s in action.option_strings}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out |= _options(sub)
    return out


def _text(node: ast.AST) -> str | None:
    """The literal text of a string expression (f-string holes become '{}'), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)  # type: ignore[misc]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        if left is not None or right is not None:
            return (left or "{}") + (right or "{}")
    return None


def _user_texts() -> Iterator[tuple[str, int, str]]:
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                texts = [_text(k.value) for k in node.keywords if k.arg == "hint"]
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == "add" and len(node.args) >= 2 and _text(node.args[0]) is not None:
                    texts.append(_text(node.args[1]))  # warnings.add(code, message, count)
                if name.endswith("Error") and node.args:
                    texts.append(_text(node.args[0]))
                for text in texts:
                    if text:
                        yield f"{path.relative_to(REPO)}", node.lineno, text


def test_texts_were_found() -> None:
    texts = list(_user_texts())
    assert len(texts) > 200
    assert any("--layer" in t for _, _, t in texts)


def test_every_option_named_in_a_hint_or_warning_exists() -> None:
    options = _options(_build_parser())
    assert {"--layer", "--gtfs-date", "--kind"} <= options
    wrong = [
        f"{where}:{line}: {opt}"
        for where, line, text in _user_texts()
        for opt in OPTION.findall(text)
        if opt not in options
    ]
    assert wrong == []


def test_no_hint_names_a_loader_keyword_as_if_it_were_an_option() -> None:
    """Loader keywords (category_map, keep_retired, layer=...) are API, not something users can type."""
    from layers.registry import FORMATS, _ensure_loaders

    _ensure_loaders()
    keys = {key for fmt in FORMATS for key in fmt.options}
    assert {"category_map", "layer", "date"} <= keys
    patterns = [re.compile(rf"\b{re.escape(k)}=") for k in keys]
    patterns += [re.compile(rf"\b{re.escape(k)}\b") for k in keys if "_" in k]
    wrong = [
        f"{where}:{line}: {text[:80]}"
        for where, line, text in _user_texts()
        if not where.startswith("cli") and any(p.search(text) for p in patterns)
    ]
    assert wrong == []
