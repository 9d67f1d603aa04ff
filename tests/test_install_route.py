"""The route without ``make`` (Windows, or any Python): a fresh virtual environment, one pip command, ``spinelab``.

The README's command, ``python -m pip install -c constraints.txt .``, runs in a copy of the course (building the
package writes ``build/`` beside the sources, and a test never changes the working tree) into a new virtual
environment with no system packages. pip reuses its cache, so the test takes about 25 s on a 2-core machine
(most of it unpacking wheels); it runs in ``make test`` and CI and is marked ``install`` (``-m "not install"``
skips it).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

import spinelab

ROOT = Path(__file__).resolve().parents[1]
COURSE_FILES = ("pyproject.toml", "README.md", "constraints.txt", "src", "notebooks", ".jupyter", "binder")
TEST_TOOLS = ("pytest", "playwright", "hypothesis", "nbval", "ruff", "import-linter", "jupyter-repo2docker")
TOKEN = "install-route-test"

pytestmark = pytest.mark.install


def _bin(environment: Path, name: str) -> Path:
    return environment / ("Scripts" if os.name == "nt" else "bin") / name


@pytest.fixture(scope="module")
def student(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A copy of the course and a fresh environment where the README's pip command installed it."""
    folder = tmp_path_factory.mktemp("student")
    course = folder / "course"
    for name in COURSE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, course / name, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
        else:
            course.mkdir(exist_ok=True)
            shutil.copy2(source, course / name)
    environment = folder / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(environment)
    subprocess.run([_bin(environment, "python"), "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "."],
                   cwd=course, check=True, timeout=600)
    yield course, environment


def _installed(environment: Path) -> set[str]:
    listing = subprocess.run([_bin(environment, "python"), "-m", "pip", "list", "--format=json"], check=True,
                             capture_output=True, text=True).stdout
    return {package["name"].lower().replace("_", "-") for package in json.loads(listing)}


def test_pip_install_brings_the_course_and_its_runtime_but_no_test_tools(student):
    _, environment = student
    installed = _installed(environment)
    assert {"spinelab", "voila", "jupyterlab", "ipywidgets", "anywidget", "matplotlib"} <= installed
    assert not installed & set(TEST_TOOLS)
    assert _bin(environment, "spinelab").exists()


def test_spinelab_lab_opens_the_start_notebook_with_the_course_settings(student, tmp_path):
    course, environment = student
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "JUPYTER_TOKEN": TOKEN, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    extra = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with (tmp_path / "lab.log").open("w") as log:
        server = subprocess.Popen([_bin(environment, "spinelab"), "lab", "--no-browser", "--port", str(port), *extra],
                                  cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "lab.log").read_text()
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "JupyterLab did not answer within 120 s"
                time.sleep(0.2)  # polling a condition (the server answering), not a fixed wait
        with urllib.request.urlopen(f"{base}/lab/tree/notebooks/00_start_here.ipynb?token={TOKEN}") as page:
            assert page.status == 200
        with urllib.request.urlopen(f"{base}/api/contents/notebooks/00_start_here.ipynb?token={TOKEN}") as model:
            assert json.load(model)["type"] == "notebook"
        overrides = environment / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "spinelab.json"
        settings = course / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
        assert json.loads(overrides.read_text())["@jupyterlab/apputils-extension:notification"] == json.loads(
            settings.read_text())
        assert f"Course settings for JupyterLab: {overrides}" in (tmp_path / "lab.log").read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_binder_post_build_makes_the_course_settings_the_environment_defaults(student):
    course, environment = student
    overrides = environment / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "spinelab.json"
    overrides.unlink(missing_ok=True)
    path = os.pathsep.join([str(_bin(environment, "python").parent), os.environ["PATH"]])
    subprocess.run(["bash", "binder/postBuild"], cwd=course, env={**os.environ, "PATH": path}, check=True, timeout=120)
    settings = course / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    assert json.loads(overrides.read_text())["@jupyterlab/apputils-extension:notification"] == json.loads(
        settings.read_text())


def test_the_course_imports_in_the_fresh_environment(student):
    _, environment = student
    result = subprocess.run([_bin(environment, "python"), "-c", "import spinelab; print(spinelab.setup())"],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "SPINELAB_STATIC": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"spinelab {spinelab.__version__} ready (desk style)."
