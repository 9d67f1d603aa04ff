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
