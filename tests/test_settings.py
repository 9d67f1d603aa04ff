"""The environment switches: read in one place (``spinelab.course.settings``), with one parser for yes and no."""

import ast
import os
from pathlib import Path

import matplotlib as mpl
import pytest

from spinelab.course import frame_cache, progress, settings, style
from spinelab.course.display import static_mode

SRC = Path(__file__).resolve().parents[1] / "src" / "spinelab"


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), (" TRUE ", True), ("yes", True), ("On", True), ("0", False), ("false", False), ("NO", False),
    ("off", False), ("", None), (None, None), ("2", None), ("maybe", None)])
def test_one_parser_for_yes_and_no(value, expected):
    assert settings.parse_flag(value) is expected


@pytest.mark.parametrize(("value", "presenter", "static"), [("yes", True, True), ("off", False, False),
                                                            ("nonsense", False, False)])
def test_presenter_and_static_mode_read_the_same_words(monkeypatch, value, presenter, static):
    monkeypatch.setenv(settings.PRESENTER, value)
    monkeypatch.setenv(settings.STATIC, value)
    assert style.presenter_requested() is presenter and static_mode() is static


def test_the_frame_cache_is_off_for_any_no_and_else_a_folder(monkeypatch, tmp_path):
    for word in ("off", "0", "No"):
        monkeypatch.setenv(settings.FRAME_CACHE, word)
        assert frame_cache.cache_folder() is None
    monkeypatch.setenv(settings.FRAME_CACHE, str(tmp_path))
    assert frame_cache.cache_folder() == tmp_path
    monkeypatch.delenv(settings.FRAME_CACHE)
    assert frame_cache.cache_folder() == frame_cache.user_cache_folder()
    monkeypatch.setenv(settings.FRAME_CACHE_MB, "not a number")
    assert frame_cache.max_bytes() == frame_cache.DEFAULT_MAX_MB * 2**20


def test_overridden_sets_and_unsets_for_the_block_then_restores(monkeypatch):
    monkeypatch.setenv(settings.STATIC, "0")
    monkeypatch.delenv(settings.PRESENTER, raising=False)
    with settings.overridden({settings.STATIC: "1", settings.PRESENTER: "1", settings.PROGRESS: None}):
        assert settings.static() and settings.presenter() and settings.PROGRESS not in os.environ
    assert os.environ[settings.STATIC] == "0" and settings.PRESENTER not in os.environ
    assert progress.default_path() == Path(os.environ[settings.PROGRESS])
    with pytest.raises(RuntimeError), settings.overridden({settings.STATIC: "1"}):
        raise RuntimeError
    assert os.environ[settings.STATIC] == "0"


def test_presenter_mode_is_what_use_applied_not_the_font_size():
    try:
        style.use(presenter=False)
        mpl.rcParams["font.size"] = 18.0  # a notebook's own setting must not switch presenter mode on
        assert not style.presenter_on() and style.figure_scale() == 1.0
        style.use(presenter=True)
        mpl.rcParams["font.size"] = 10.0
        assert style.presenter_on() and style.figure_scale() == 1.5
    finally:
        style.use(presenter=False)


def _environment_access(tree: ast.AST) -> list[int]:
    """Lines that read or write ``os.environ`` item by item, or call ``os.getenv``/``os.putenv``."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os" \
                and node.attr in {"getenv", "putenv", "unsetenv"}:
            lines.append(node.lineno)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "environ":
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {
                "get", "pop", "setdefault", "update"} and isinstance(node.func.value, ast.Attribute) \
                and node.func.value.attr == "environ":
            lines.append(node.lineno)
    return lines


def test_only_the_settings_module_reads_or_changes_the_environment():
    found = {str(path.relative_to(SRC)): lines for path in sorted(SRC.rglob("*.py"))
             if path.name != "settings.py" and (lines := _environment_access(ast.parse(path.read_text())))}
    assert found == {}

