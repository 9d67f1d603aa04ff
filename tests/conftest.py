"""Fixtures shared by the unit tests (the test environment itself is set in the repository's root conftest.py)."""

from pathlib import Path

import pytest

from spinelab.course import quiz, style

SELFCHECK_FILE = Path(__file__).parent / "data" / "selfcheck.toml"


@pytest.fixture
def selfcheck_toml() -> str:
    """A self-check with one question of every kind and an exercise, as TOML text."""
    return SELFCHECK_FILE.read_text(encoding="utf-8")


@pytest.fixture
def selfcheck(selfcheck_toml: str) -> quiz.SelfCheck:
    """The shared self-check (:func:`selfcheck_toml`), parsed."""
    return quiz.parse("test", selfcheck_toml)


@pytest.fixture(autouse=True)
def _presenter_mode_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that switches presenter mode on (``style.use(True)``) leaves the next test in the mode it had."""
    monkeypatch.setitem(style._applied, "presenter", style._applied["presenter"])
