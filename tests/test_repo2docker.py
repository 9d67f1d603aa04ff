"""Binder and JupyterHub: the image recipe repo2docker renders from the repository (no Docker needed).

``jupyter-repo2docker --no-build --debug`` prints the Dockerfile it would build. The repository has a
``binder/`` folder, which repo2docker prefers to ``environment.yml``: Python 3.11 from ``runtime.txt``, then,
once the repository is copied into the image, ``pip install -r binder/requirements.txt``, which installs the
course itself (``.``) at the tested versions (``constraints.txt``), then ``binder/postBuild``, which makes the
course's JupyterLab settings the image's defaults. pip resolves that file here without installing
it (``--dry-run``), and ``tests/test_install_route.py`` installs the course the same way into a fresh environment;
building the image itself is not tested (no Docker, and no conda-forge for repo2docker's base environment).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import spinelab

ROOT = Path(__file__).resolve().parents[1]
IGNORED = shutil.ignore_patterns(".git", ".venv", "build", "__pycache__", "*.egg-info", ".*cache*", ".hypothesis",
                                 ".benchmarks")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess:
    """repo2docker's run: the Dockerfile on stdout, its log on stderr. As on Binder, the notebook user is 1000."""
    # A copy, so that nothing repo2docker might write lands in the working tree.
    repo = tmp_path_factory.mktemp("repo2docker") / "spinelab"
    shutil.copytree(ROOT, repo, ignore=IGNORED)
    command = [Path(sys.executable).parent / "jupyter-repo2docker", "--no-build", "--debug",
               "--user-id", "1000", "--user-name", "jovyan", str(repo)]
    result = subprocess.run(command, cwd=repo.parent, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_binder_requirements_resolve_together_at_the_pinned_versions(rendered, tmp_path):
    """pip resolves the image's requirements from scratch (nothing installed): the course at its pins and the rest."""
    report = tmp_path / "report.json"
    subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                    "--report", str(report), "-r", "binder/requirements.txt"],
                   cwd=Path(rendered.args[-1]), check=True, capture_output=True, timeout=300)
    versions = {item["metadata"]["name"].lower(): item["metadata"]["version"]
                for item in json.loads(report.read_text())["install"]}
    pins = dict(line.lower().split("==") for line in (ROOT / "constraints.txt").read_text().split())
    assert versions["spinelab"] == spinelab.__version__
    assert versions["jupyterlab"] == pins["jupyterlab"] and versions["voila"] == pins["voila"]
    assert {"notebook", "nbgitpuller"} <= set(versions)


def test_recipe_uses_python_3_11_and_not_the_conda_environment_file(rendered):
    assert "Building conda environment for python=3.11" in rendered.stderr
    assert "environment.yml" not in rendered.stdout


def test_recipe_installs_the_course_after_the_repository_is_copied(rendered):
    lines = rendered.stdout.splitlines()
    # The whole repository, owned by the notebook user (pip builds the course inside it).
    copied = lines.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/")
    installed = lines.index('RUN ${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir -r "binder/requirements.txt"')
    assert copied < lines.index("USER ${NB_USER}", copied) < installed


def test_recipe_makes_the_course_settings_jupyterlab_defaults_after_installing_it(rendered):
    lines = rendered.stdout.splitlines()
    installed = lines.index('RUN ${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir -r "binder/requirements.txt"')
    assert lines.index("RUN ./binder/postBuild") > installed
