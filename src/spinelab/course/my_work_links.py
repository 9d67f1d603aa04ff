"""The "my work" download in a notebook or a class page: a button that makes two links carrying the files themselves.

``spinelab.course.my_work_links.links()`` as the last line of a code cell shows a button; pressing it builds the
HTML page and the JSON data (:mod:`spinelab.course.my_work`) from the progress kept *at that moment* and shows a
link to each. Built on the press, not when the cell runs, so the files hold the answers given after it, and the
notebook's stored output carries no one's work and no time. The progress is the student's own file in JupyterLab;
in class mode the cell ran before the student arrived, so the button follows the student's file once the page
gives their id (:mod:`spinelab.course.class_progress`). The words are in ``data/my_work.toml``.
"""

from __future__ import annotations

import base64
import html
import json

import ipywidgets as widgets

from spinelab.course import class_progress, datafile, my_work
from spinelab.course.progress import ProgressStore


def link_markup(store: ProgressStore | None = None, student: str | None = None) -> str:
    """Two download links (HTML page, JSON data) carrying the work kept in ``store`` now, as HTML."""
    work = my_work.collect(store, student)
    words = datafile.load("my_work")["labels"]
    files = (("my-work.html", "text/html", my_work.to_html(work), words["download_html"]),
             ("my-work.json", "application/json", json.dumps(work, indent=1, ensure_ascii=False),
              words["download_json"]))
    anchors = [f'<a download="{name}" href="data:{kind};charset=utf-8;base64,'
               f'{base64.b64encode(text.encode()).decode()}">{html.escape(label)}</a>'
               for name, kind, text, label in files]
    return '<p class="spinelab-my-work">' + " &middot; ".join(anchors) + "</p>"


class MyWorkDownload(widgets.VBox):
    """A button that (re)builds the download links from the progress kept at the moment it is pressed."""

    def __init__(self, store: ProgressStore | None = None) -> None:
        self._store = store
        self.button = widgets.Button(description=datafile.load("my_work")["labels"]["prepare"],
                                     layout=widgets.Layout(width="auto"))
        self.links = widgets.HTML()
        self.button.on_click(lambda _: self.prepare())
        hidden = class_progress.attach(self.use_store) if store is None else []
        super().__init__([*hidden, self.button, self.links])

    def use_store(self, store: ProgressStore) -> None:
        """Build from ``store`` from now on (the student's file, once the class page gives their id)."""
        self._store = store
        if self.links.value:
            self.prepare()

    def prepare(self) -> None:
        """Build the two files from the answers kept now and show their links."""
        link = class_progress.link()
        self.links.value = link_markup(self._store, link.student if link is not None else None)

    def __repr__(self) -> str:
        return self.button.description


def links(store: ProgressStore | None = None) -> MyWorkDownload:
    """The "my work" button for the work kept in ``store`` (default: this kernel's progress, or in class mode the
    student's)."""
    return MyWorkDownload(store)
