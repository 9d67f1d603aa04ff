"""Data and model modules load no widget, plotting or notebook-display library, even through the package."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
DATA_AND_MODELS = next(c for c in CONTRACTS if c["name"].startswith("Data and models"))


@pytest.mark.parametrize("module", DATA_AND_MODELS["source_modules"])
def test_importing_a_data_or_model_module_loads_no_display_library(module: str) -> None:
    probe = (
        f"import sys, {module}\n"
        f"print(' '.join(sorted(m for m in {DATA_AND_MODELS['forbidden_modules']!r} + ['anywidget'] "
        "if m in sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
