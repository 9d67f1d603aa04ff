"""Each notebook's reference list holds every source the notebook shows a citation of."""

import json
import re
from pathlib import Path

import pytest

from spinelab.course import references

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(path for path in (ROOT / "notebooks").glob("0*.ipynb") if path.stem != "00_start_here")


def _shown_texts(cells: list[dict]) -> str:
    texts = []
    for cell in cells:
        if cell["cell_type"] == "markdown":
            texts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("text", "")))
            for kind in ("text/plain", "text/markdown"):
                value = output.get("data", {}).get(kind, "")
                texts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(texts)


def _citation_pattern(reference: references.Reference) -> re.Pattern[str]:
    """'Hides et al. 1996', 'Hides et al. (1996)', 'Hides 1996', 'MacDonald, Moseley & Hodges 2006', year exact."""
    surname = r"\s+".join(map(re.escape, reference.short().rsplit(" ", 1)[0].removesuffix(" et al.")
                                .split(" & ")[0].split()))
    coauthors = r"(?:\s+et\s+al\.|(?:,\s*[^\s,;()]+)*\s*&\s*[^\s,;()]+)?"
    return re.compile(rf"\b{surname}{coauthors},?\s+\(?{reference.year}\b")


def _same_citation(key: str) -> set[str]:
    """The keys cited in the text exactly as ``key`` is (same short citation and year), ``key`` among them."""
    reference = references.get(key)
    return {other for other, found in references.registry().items()
            if (found.short(), found.year) == (reference.short(), reference.year)}


def cited_keys(text: str) -> set[str]:
    """Registry keys whose citation (author and year) appears in the text."""
    return {key for key, reference in references.registry().items() if _citation_pattern(reference).search(text)}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_reference_list_holds_every_source_the_notebook_cites(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    heading = next(number for number, cell in enumerate(cells) if "".join(cell["source"]).startswith("## References"))
    listed = _shown_texts(cells[heading:])
    # Two sources can share a citation ("Saragiotto et al. 2016"): listing either one answers it.
    missing = sorted(key for key in cited_keys(_shown_texts(cells[:heading]))
                     if not any(f"- {references.get(other).full()}" in listed for other in _same_citation(key)))
    assert not missing, f"{path.name}: cited but not in its reference list: {', '.join(missing)}"


def test_the_citation_finder_matches_the_forms_the_notebooks_use():
    text = ("as Hides et al. (1996) showed; (Hodges & Tucker 2011); Bogduk 1980, MacDonald, Moseley & Hodges 2006 and "
            "Hides\n2001, not Hides 1999")
    assert {"hides1996", "hodgestucker2011", "bogduk1980", "macdonald2006", "hides2001"} <= cited_keys(text)
    assert "hides1994" not in cited_keys(text)
