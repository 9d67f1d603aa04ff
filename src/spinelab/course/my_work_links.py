"""The "my work" download in a notebook or a class page: two links carrying the files themselves (no server needed).

``spinelab.course.my_work_links.links()`` as the last line of a code cell displays a link to the HTML page and
one to the JSON data (:mod:`spinelab.course.my_work`), built from the progress the page's kernel keeps: the
student's own file in JupyterLab. In class mode the cell ran before the student arrived, so the links are a
widget (:class:`ClassWorkLinks`) drawn again from the student's file once the page gives their id
(:mod:`spinelab.course.class_progress`) and whenever the student asks. As plain text (nbval, static exports) it
is the two links' words. The words are in ``data/my_work.toml``.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass

import ipywidgets as widgets

from spinelab.course import class_progress, datafile, my_work
from spinelab.course.display import Display, Displayable
from spinelab.course.progress import ProgressStore


@dataclass(frozen=True)
class MyWorkLinks:
    """Download links for the student's work: ``(file name, media type, text, words)`` per file."""

    files: tuple[tuple[str, str, str, str], ...]

    def _repr_html_(self) -> str:
        anchors = [f'<a download="{name}" href="data:{kind};charset=utf-8;base64,'
                   f'{base64.b64encode(text.encode()).decode()}">{html.escape(label)}</a>'
                   for name, kind, text, label in self.files]
        return '<p class="spinelab-my-work">' + " &middot; ".join(anchors) + "</p>"

    def __repr__(self) -> str:
        return " · ".join(f"{label} ({name})" for name, _, _, label in self.files)


class ClassWorkLinks(Displayable):
    """The two links in class mode: drawn from the student's file once the page gives their id, and on request."""

    def __init__(self) -> None:
        self.store = class_progress.store()
        self.links = widgets.HTML()
        self.update_button = widgets.Button(description=datafile.load("my_work")["labels"]["update"], icon="refresh",
                                            layout=widgets.Layout(width="auto"))
        self.update_button.on_click(lambda _button: self.refresh())
        hidden = class_progress.attach(self.use_store)
        shown = self.refresh()
        self.view = Display(widgets.VBox([*hidden, self.links, self.update_button]), repr(shown), "")

    def use_store(self, store: ProgressStore) -> None:
        """Draw the links from ``store`` from now on (the student's file)."""
        self.store = store
        self.refresh()

    def refresh(self) -> MyWorkLinks:
        """Draw the links again from the work kept now; return them."""
        link = class_progress.link()
        shown = _links(self.store, link.student if link is not None else None)
        self.links.value = shown._repr_html_()
        return shown


def links(store: ProgressStore | None = None) -> MyWorkLinks | ClassWorkLinks:
    """The two download links for the work kept in ``store`` (default: this kernel's progress file; in class mode,
    :class:`ClassWorkLinks`, which follow the student)."""
    if store is None and class_progress.link() is not None:
        return ClassWorkLinks()
    return _links(store)


def _links(store: ProgressStore | None, student: str | None = None) -> MyWorkLinks:
    work = my_work.collect(store, student)
    words = datafile.load("my_work")["labels"]
    return MyWorkLinks((("my-work.html", "text/html", my_work.to_html(work), words["download_html"]),
                        ("my-work.json", "application/json", json.dumps(work, indent=1, ensure_ascii=False),
                         words["download_json"])))
