"""A new notebook is picked up everywhere notebooks are listed: no notebook name or number is written anywhere."""

import shutil

from spinelab.publish import rebuild, slides
from spinelab.publish.notebooks import FOLDER, START, course_notebooks, topic_notebooks


def test_a_scratch_notebook_07_is_a_topic_notebook_with_a_deck(tmp_path, monkeypatch):
    for path in course_notebooks()[:2]:
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(FOLDER / f"{START}.ipynb", tmp_path / f"{START}.ipynb")
    scratch = tmp_path / "07_scratch.ipynb"
    shutil.copy(topic_notebooks()[0], scratch)
    (tmp_path / "notes.ipynb").write_text("{}", encoding="utf-8")  # not a course notebook: no NN_ prefix
    assert course_notebooks(tmp_path)[-1] == scratch and scratch in topic_notebooks(tmp_path)
    assert tmp_path / f"{START}.ipynb" not in topic_notebooks(tmp_path)
    exported = []
    monkeypatch.setattr(slides, "copy_vendor", lambda vendor, out: None)
    monkeypatch.setattr(slides, "export", lambda path, out: exported.append(path) or out / f"{path.stem}.slides.html")
    slides.main([str(tmp_path / "decks"), str(tmp_path / "vendor"), "--folder", str(tmp_path)])
    assert exported == topic_notebooks(tmp_path) and scratch in exported


def test_the_default_folder_is_the_repositorys_and_the_rebuild_takes_all_of_it(monkeypatch):
    assert FOLDER.name == "notebooks" and (FOLDER / f"{START}.ipynb").exists()
    rebuilt = []
    monkeypatch.setattr(rebuild, "rebuild", lambda path, execute: rebuilt.append(path) or False)
    rebuild.main(["--no-execute"])
    assert rebuilt == course_notebooks() and len(rebuilt) == len(list(FOLDER.glob("*.ipynb")))
