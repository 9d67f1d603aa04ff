"""Self-check progress in class mode, kept per student so that it survives a page reload (issue 27).

In a class (``spinelab class``), every page gets a preheated kernel that has already run the notebook before
anyone arrived, and a reload gets another kernel. So a kernel cannot know its student when its self-check widgets
are drawn; it learns them when the page connects:

- the class's kernels run with ``SPINELAB_CLASS_PROGRESS`` naming the class's progress folder (written by
  :mod:`spinelab.publish.classroom`); without it (JupyterLab, ``present``, tests) this module does nothing and
  progress stays in the student's own file (:mod:`spinelab.course.progress`);
- in class mode, the self-check widgets carry one hidden text box (:attr:`StudentLink.widget`, CSS class
  :data:`DOM_CLASS`) into which the page's vote panel script (``spinelab_room/student.js``) types the student's
  pseudonymous id, the random id the browser keeps for the room's votes;
- once the id arrives, the widgets switch to that student's file, ``<folder>/student-<id>.json``
  (:func:`student_path`), and show the answers kept there (:meth:`StudentLink.follow`). Until then, answers go
  to the kernel's own file, as before.

Another student (another browser) has another random id, hence another file. Outside class mode no hidden box is
shown and nothing changes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets

from spinelab.course import settings
from spinelab.course.class_store import VoteRefusedError, check_student_id
from spinelab.course.progress import ProgressStore

#: Environment variable naming the class's progress folder (set in every class kernel).
ENV = settings.CLASS_PROGRESS
#: The hidden box's CSS class, which the vote panel's script looks for.
DOM_CLASS = "spinelab-student-id"

_link: StudentLink | None = None


def class_folder() -> Path | None:
    """The class's progress folder, or None outside class mode."""
    folder = settings.text(ENV)
    return Path(folder) if folder else None


def student_path(folder: str | os.PathLike[str], student: str) -> Path:
    """A student's progress file in the class's folder; a malformed id is :class:`VoteRefusedError`."""
    return Path(folder) / f"student-{check_student_id(student)}.json"


class StudentLink:
    """This kernel's link to its student: the hidden box the page fills in, and what follows the student's id.

    Parameters
    ----------
    folder : path-like
        The class's progress folder.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        #: The student's pseudonymous id, once the page has given it.
        self.student: str | None = None
        self.widget = widgets.Text(value="", layout=widgets.Layout(display="none"))
        self.widget.add_class(DOM_CLASS)
        self._followers: list[Callable[[ProgressStore], None]] = []
        self.widget.observe(self._given, names="value")

    def store(self) -> ProgressStore:
        """The student's progress store, or the kernel's own until the page gives the id."""
        return ProgressStore(student_path(self.folder, self.student)) if self.student else ProgressStore()

    def follow(self, switch: Callable[[ProgressStore], None]) -> None:
        """Call ``switch`` with the student's store whenever the page gives an id (at once if it has already)."""
        self._followers.append(switch)

    def _given(self, change: dict) -> None:
        try:
            student = check_student_id(change["new"])
        except VoteRefusedError:  # not an id the vote panel makes: keep the store as it is
            return
        if student == self.student:
            return
        self.student = student
        for switch in list(self._followers):
            switch(self.store())


def link() -> StudentLink | None:
    """This kernel's :class:`StudentLink` in class mode (one per kernel), else None."""
    global _link
    folder = class_folder()
    if folder is None:
        return None
    if _link is None or _link.folder != folder:
        _link = StudentLink(folder)
    return _link


def store() -> ProgressStore:
    """Where a self-check widget keeps progress: the student's file in class mode once known, else the default."""
    current = link()
    return current.store() if current is not None else ProgressStore()


def attach(switch: Callable[[ProgressStore], None]) -> list[widgets.Widget]:
    """In class mode, have ``switch`` follow the student's store and return the hidden box to show; else ``[]``."""
    current = link()
    if current is None:
        return []
    current.follow(switch)
    return [current.widget]
