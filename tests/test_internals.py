"""Private library internals: reached only through the adapters, each checking the installed version first."""

import ast
import re
from pathlib import Path

import pytest

from spinelab.course import versions, widget_internals
from spinelab.publish import internals

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "spinelab"
ADAPTERS = {SRC / "course" / "widget_internals.py": [widget_internals.TESTED],
            SRC / "publish" / "internals.py": [internals.VOILA, internals.JUPYTER_CLIENT]}
PRIVATE = {"_Int", "_Float", "_dom_classes", "_pools", "kernel_pools_config", "_kernels", "_pending_kernels",
           "_handle_control_comm_msg", "_control_comm", "_instances", "_remove_buffers", "_trait_to_json"}


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        if version:
            pins[re.sub(r"[-_.]+", "-", name.strip().lower())] = version.strip()
    return pins


@pytest.mark.parametrize("tested", [item for group in ADAPTERS.values() for item in group],
                         ids=lambda tested: tested.distribution)
def test_the_pinned_version_is_one_the_adapter_was_tested_with(tested):
    pinned = _pins()[re.sub(r"[-_.]+", "-", tested.distribution.lower())]
    assert tested.covers(pinned), f"constraints.txt pins {tested.distribution} {pinned}: recheck its adapter"


def test_an_untested_version_fails_naming_the_library_the_version_and_the_range(monkeypatch):
    monkeypatch.setattr(versions, "installed", lambda distribution: "9.0.1")
    versions.require_tested.cache_clear()
    try:
        with pytest.raises(versions.UntestedVersionError,
                           match=r"ipywidgets, tested with versions 8\.1 up to \(not including\) 8\.2; 9\.0\.1 is "):
            widget_internals.number_widget_types()
        with pytest.raises(versions.UntestedVersionError, match=r"voila.* 0\.5 up to .* 0\.6; 9\.0\.1 is installed"):
            internals.pools(object())
    finally:
        versions.require_tested.cache_clear()


@pytest.mark.parametrize(("version", "covered"), [("0.5.13", True), ("0.5", True), ("0.6.0", False),
                                                  ("0.4.9", False), ("0.5.0rc1", True)])
def test_a_range_includes_its_low_end_and_excludes_its_upper_end(version, covered):
    assert internals.VOILA.covers(version) is covered


def _private_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = [f"{node.lineno}: .{node.attr}" for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr in PRIVATE]
    found += [f"{node.lineno}: getattr {node.args[1].value}" for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value in PRIVATE]
    found += [f"{node.lineno}: get_event_loop" for node in ast.walk(tree)
              if isinstance(node, ast.Attribute) and node.attr == "get_event_loop"]
    return found


def test_private_internals_and_the_deprecated_loop_getter_appear_only_in_the_adapters():
    found = {str(path.relative_to(SRC)): uses for path in sorted(SRC.rglob("*.py"))
             if path not in ADAPTERS and (uses := _private_uses(path))}
    assert found == {}
