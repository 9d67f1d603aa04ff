"""The package keeps the shape src/spinelab/README.md draws: small modules in one folder per concern."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "spinelab"
MAX_LINES = 450
#: Top-level modules allowed outside the concern packages: public names the course promises.
PUBLIC_ALIASES = {"start_back.py"}


def test_no_module_is_over_450_lines():
    long = {path.relative_to(PACKAGE).as_posix(): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these modules: {long}"


def test_every_module_lives_in_a_concern_package():
    loose = sorted(path.name for path in PACKAGE.glob("*.py") if path.name not in {"__init__.py", *PUBLIC_ALIASES})
    assert not loose, f"put these modules in course/, a topic, clinic/ or publish/: {loose}"
    for package in ("course", "anatomy", "guarding", "multifidus", "clinic", "publish"):
        assert (PACKAGE / package / "__init__.py").read_text(encoding="utf-8").startswith('"""'), package
