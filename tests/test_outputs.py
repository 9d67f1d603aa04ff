"""Tools delete only inside folders they marked as their own."""

from pathlib import Path

import pytest

from spinelab.publish.outputs import MARKER, OutputFolderError, claim_folder, empty_owned_folder, owner


def test_a_new_folder_is_created_and_marked(tmp_path: Path) -> None:
    folder = claim_folder(tmp_path / "a" / "b", "slides")
    assert folder.is_dir()
    assert owner(folder) == "slides"


def test_an_empty_folder_is_claimed(tmp_path: Path) -> None:
    claim_folder(tmp_path, "lms")
    assert owner(tmp_path) == "lms"


def test_a_folder_with_someone_elses_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    precious = tmp_path / "thesis.docx"
    precious.write_text("years of work")
    with pytest.raises(OutputFolderError, match="not written by spinelab") as error:
        empty_owned_folder(tmp_path, "class")
    assert str(tmp_path) in str(error.value)
    assert precious.read_text() == "years of work"
    assert not (tmp_path / MARKER).exists()


def test_another_tools_folder_is_refused(tmp_path: Path) -> None:
    claim_folder(tmp_path, "handouts")
    (tmp_path / "a.png").write_bytes(b"x")
    with pytest.raises(OutputFolderError, match="'handouts' tool"):
        claim_folder(tmp_path, "slides")


def test_a_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(OutputFolderError, match="is a file"):
        claim_folder(path, "lms")


def test_emptying_an_owned_folder_keeps_only_the_marker(tmp_path: Path) -> None:
    claim_folder(tmp_path, "class")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x").write_text("x")
    (tmp_path / "y").write_text("y")
    empty_owned_folder(tmp_path, "class")
    assert [p.name for p in tmp_path.iterdir()] == [MARKER]


def test_a_symlinked_marker_does_not_grant_ownership(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("class\n")
    target = tmp_path / "target"
    target.mkdir()
    (target / "keep").write_text("k")
    (target / MARKER).symlink_to(elsewhere)
    with pytest.raises(OutputFolderError):
        empty_owned_folder(target, "class")
    assert (target / "keep").exists()


# --- the tools use it ---------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _someone_elses(folder: Path) -> dict[str, bytes]:
    """A folder holding a user's own figures and notes; returns its files' bytes to compare afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {"holiday.png": b"\x89PNG photo", "logo.svg": b"<svg/>", "notes.md": b"# mine\n"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def _unchanged(folder: Path, files: dict[str, bytes]) -> bool:
    return {path.name: path.read_bytes() for path in folder.iterdir()} == files


def test_the_repositorys_figures_folder_is_the_handouts_own() -> None:
    from spinelab.publish import handouts

    assert owner(ROOT / "figures") == handouts.TOOL


def test_handouts_refuse_a_folder_they_did_not_write_and_delete_nothing(tmp_path: Path) -> None:
    from spinelab.publish import handouts

    files = _someone_elses(tmp_path)
    with pytest.raises(OutputFolderError, match="not written by spinelab"):
        handouts.write_all(tmp_path, ())
    assert _unchanged(tmp_path, files)


@pytest.mark.parametrize("tool", ["handouts", "lms", "slides", "guide"])
def test_each_command_refuses_a_folder_it_does_not_own_with_a_message_and_status_2(
        tool: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from spinelab.publish import handouts, instructor, lms, slides

    folder = tmp_path / "mine"
    files = _someone_elses(folder)
    commands = {
        "handouts": lambda: handouts.main([str(folder)]),
        "lms": lambda: lms.main([str(folder)]),
        "slides": lambda: slides.main([str(folder), str(tmp_path / "vendor"), str(ROOT / "notebooks" / "x.ipynb")]),
        "guide": lambda: instructor.main([str(folder / "notes.md"), str(tmp_path / "sources.md")]),
    }
    with pytest.raises(SystemExit) as exit_:
        commands[tool]()
    assert exit_.value.code == 2
    message = capsys.readouterr().err
    assert message.startswith(f"{tool}: ") and str(folder) in message and "nothing was changed" in message
    assert _unchanged(folder, files)
    assert not (tmp_path / "sources.md").exists()


def test_the_lms_export_refuses_another_tools_folder(tmp_path: Path) -> None:
    from spinelab.course import quiz
    from spinelab.publish import lms, lms_text

    claim_folder(tmp_path, "handouts")
    (tmp_path / "a.png").write_bytes(b"x")
    with pytest.raises(OutputFolderError, match="'handouts' tool"):
        lms.write(quiz.load(lms_text.exported()[0]), tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == [MARKER, "a.png"]


def test_the_guide_replaces_its_own_pages(tmp_path: Path) -> None:
    from spinelab.publish import instructor

    answers, sources = tmp_path / "answers.md", tmp_path / "sources.md"
    answers.write_text("# Answer key\n\nGenerated by `make guide` from an older version.\n")
    instructor.main([str(answers), str(sources)])
    assert answers.read_text(encoding="utf-8") == instructor.answers_markdown()
    assert instructor.GENERATED in sources.read_text(encoding="utf-8")
