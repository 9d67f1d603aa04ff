import re
from pathlib import Path

import pytest

from spinelab.course import references

ROOT = Path(__file__).resolve().parents[1]
# A citation key in quotes anywhere in code, data or notebooks: 'hides1996', "macdonald2006".
QUOTED_KEY = re.compile(r"""["']([a-z][a-z_]*(?:19|20)\d\d[a-z]*)["']""")


def _cited_keys() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    files = [*ROOT.glob("src/spinelab/**/*.py"), *ROOT.glob("src/spinelab/data/**/*.toml"),
             *ROOT.glob("src/spinelab/data/**/*.csv"), *ROOT.glob("notebooks/*.ipynb")]
    for path in files:
        if path.name == "references.toml":
            continue
        for key in QUOTED_KEY.findall(path.read_text(encoding="utf-8").replace('\\"', '"')):
            found.setdefault(key, set()).add(path.name)
    return found


def test_every_citation_key_used_anywhere_resolves():
    cited = _cited_keys()
    assert cited, "expected citation keys in code, data and notebooks"
    missing = {key: sorted(files) for key, files in cited.items() if key not in references.registry()}
    assert not missing


def test_every_entry_renders_with_its_source_and_a_doi_link_where_it_has_a_doi():
    for ref in references.registry().values():
        entry = ref.full()
        assert entry.startswith(ref.authors[0]) and str(ref.year) in entry, ref.key
        assert f"*{ref.journal}*" in entry if ref.journal else str(ref.publisher) in entry, ref.key
        if ref.doi:
            assert entry.endswith(f"[doi:{ref.doi}](https://doi.org/{ref.doi})"), ref.key


def test_short_citation_forms():
    one = references.Reference("smith2000", ("Smith A",), 2000, "T", "checked", journal="J")
    two = references.Reference("smith2001", ("Smith A", "Jones B"), 2001, "T", "checked", journal="J")
    many = references.Reference("smith2002", ("Smith A", "Jones B", "Lee C"), 2002, "T", "checked", journal="J")
    assert (one.short(), two.short(), many.short()) == ("Smith 2000", "Smith & Jones 2001", "Smith et al. 2002")


def test_short_form_keeps_surname_particles():
    authors = ("van Dieën JH", "Selen LP", "Cholewicki J")
    ref = references.Reference("vandieen2003", authors, 2003, "T", "v", journal="J")
    assert ref.short() == "van Dieën et al. 2003"


def test_full_entry_is_vancouver_style_with_doi_link():
    ref = references.Reference("smith2000", ("Smith A", "Jones B"), 2000, "A title.", "checked",
                               journal="Spine", volume="21", issue="3", pages="10-20", doi="10.1000/xyz")
    assert ref.full() == ("Smith A, Jones B. A title. *Spine*. 2000;21(3):10-20. "
                          "[doi:10.1000/xyz](https://doi.org/10.1000/xyz)")


def test_cite_and_reference_list_use_the_registry():
    key = next(iter(references.registry()))
    ref = references.get(key)
    assert references.cite(key) == f"({ref.short()})"
    assert ref.title.rstrip(".") in references.reference_list([key])


def test_unknown_key_suggests_close_matches():
    key = next(iter(references.registry()))
    with pytest.raises(KeyError, match=f"did you mean .*{key}"):
        references.get(key[:-1] + "x")


BASE = 'authors=["A B"]\nyear=2000\ntitle="T"\nverified="v"\n'


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (f'[bad]\n{BASE}journal="J"', r"^x\.toml: reference key 'bad' must be a lowercase name and a year"),
        ('[a2000]\nyear=2000\ntitle="T"\nverified="v"\njournal="J"',
         r"^x\.toml: reference 'a2000': field 'authors' is missing"),
        (f"[a2000]\n{BASE}", r"^x\.toml: reference 'a2000': needs field 'journal' or 'publisher'"),
        (f'[a2000]\n{BASE}journal="J"\ndoi="doi:10.1/x"', r"^x\.toml: reference 'a2000': field 'doi' must be a DOI"),
        (f'[a2000]\n{BASE}journal="J"\ncolour="red"', r"^x\.toml: reference 'a2000': unknown field\(s\) colour"),
    ],
)
def test_malformed_entries_are_rejected_by_name(toml, message):
    with pytest.raises(ValueError, match=message):
        references.load(toml, "x.toml")


def test_require_accepts_known_keys_and_names_the_row_for_unknown_ones():
    key = next(iter(references.registry()))
    assert references.require([key], "row 1") == (key,)
    assert references.require(key, "row 1") == (key,)
    with pytest.raises(ValueError, match="row 2: unknown citation key 'nobody1999'"):
        references.require(["nobody1999"], "row 2")


def test_cite_is_pure_and_the_reference_list_holds_the_keys_given_sorted_by_author():
    assert references.cite("hides2001", "hides1996") == references.cite("hides2001", "hides1996")
    listed = references.reference_list(["hides1996", "bogduk1980", "hides2001", "hides1996"])
    assert [line.split(".")[0] for line in listed.splitlines() if line.startswith("- ")] == [
        "- Bogduk N", "- Hides JA, Richardson CA, Jull GA", "- Hides JA, Jull GA, Richardson CA"]


def test_reference_list_is_a_collapsed_section_that_renders_as_markdown():
    listed = references.reference_list(["bogduk1980", "hides1996"])
    lines = listed.splitlines()
    assert lines[0] == "<details><summary>References (2 sources)</summary>"
    assert lines[1] == "" and lines[-2] == "" and lines[-1] == "</details>"
    assert f"- {references.get('hides1996').full()}" in lines


def test_a_declaration_gives_the_keys_for_the_call_and_rejects_unknown_keys():
    @references.shows(lambda *keys: keys)
    def describe(*keys: str) -> None:
        """Stand-in for a notebook-facing function."""

    assert references.declared(describe, "wong2014", "wong2014") == ("wong2014",)
    assert references.declared(references.get) is None
    with pytest.raises(KeyError, match="nobody1999"):
        references.declared(describe, "nobody1999")
