import tomllib
from pathlib import Path

from spinelab.course import references
from spinelab.publish import sources_page

ROOT = Path(__file__).resolve().parents[1]


def test_committed_sources_page_is_current():
    committed = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    assert committed == sources_page.sources_markdown(), "docs/sources.md is stale: run make guide"


def test_every_reference_and_every_study_value_has_its_provenance_on_the_page():
    page = sources_page.sources_markdown()
    registry = tomllib.loads((ROOT / "src/spinelab/data/references.toml").read_text(encoding="utf-8"))
    for key, entry in registry.items():
        assert f"- **{references.get(key).short()}**: {entry['verified']}" in page
    studies = tomllib.loads((ROOT / "src/spinelab/data/studies.toml").read_text(encoding="utf-8"))
    for value in studies["value"]:
        assert f"- **{value['id']}**: {value['verified']}" in page


def test_provenance_finds_tables_and_arrays_of_tables():
    data = {"level": {"emergency": {"label": "x", "verified": "read A"}},
            "flag": [{"name": "fever", "verified": "read B"}, {"name": "no provenance"}],
            "hides1994": {"title": "t", "verified": "read C"}}
    assert sources_page.provenance(data) == [("level.emergency", "read A"), ("fever", "read B"),
                                             ("hides1994", "read C")]


def test_every_case_file_brings_its_own_and_its_nodes_provenance():
    page = sources_page.sources_markdown()
    for path in sorted((ROOT / "src/spinelab/data/cases").glob("*.toml")):
        case = tomllib.loads(path.read_text(encoding="utf-8"))
        assert f"## cases/{path.name}" in page
        assert f"- **{case['title']}**: {case['verified']}" in page
        for node_id, node in case["nodes"].items():
            if "verified" in node:
                assert f"- **nodes.{node_id}**: {node['verified']}" in page
