"""environment.yml (conda, Binder) and pyproject.toml must list the same runtime dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(>=\s*[\w.]+)?")


def _normalise(requirement: str) -> tuple[str, str]:
    match = REQUIREMENT.match(requirement.strip())
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), (match.group(2) or "").replace(" ", "")


#: Extras that the conda / Binder environment installs too.
CONDA_EXTRAS = ("workbook",)


def test_environment_yml_matches_pyproject_runtime_dependencies_and_the_workbook_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = [*project["dependencies"], *(dep for extra in CONDA_EXTRAS for dep in extras[extra])]
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda = [dep for dep in environment if isinstance(dep, str) and not dep.startswith(("python=", "pip"))]
    assert sorted(map(_normalise, conda)) == sorted(map(_normalise, wanted))


def test_environment_installs_the_package_itself():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    pip_section = next(dep["pip"] for dep in environment if isinstance(dep, dict))
    assert "-e ." in pip_section


def test_constraints_pin_every_dependency_exactly():
    pins = {
        _normalise(line)[0]
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert all("==" in line for line in (ROOT / "constraints.txt").read_text().splitlines() if line)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *(dep for extra in project["optional-dependencies"].values() for dep in extra)]
    assert {_normalise(dep)[0] for dep in wanted} <= pins


def test_students_get_runtime_dependencies_only_and_the_test_tools_come_with_the_test_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_normalise(dep)[0] for dep in project["dependencies"]}
    test_tools = {_normalise(dep)[0] for dep in project["optional-dependencies"]["test"]}
    assert {"pytest", "playwright", "hypothesis", "jupyter-repo2docker"} <= test_tools
    assert not runtime & test_tools
    assert project["scripts"]["spinelab"] == "spinelab.publish.cli:main"
