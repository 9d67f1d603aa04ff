"""The "my work" download in a notebook or a class page: a button that makes two links carrying the files themselves.

``spinelab.course.my_work_links.links()`` as the last line of a code cell shows a button; pressing it builds the
HTML page and the JSON data (:mod:`spinelab.course.my_work`) from the progress the page's kernel keeps *at that
moment* (the student's own file in JupyterLab, their page's file in class mode) and shows a link to each. Built on
the press, not when the cell runs, so the files hold the answers given after it, and the notebook's stored output
carries no one's work and no time. The words are in ``data/my_work.toml``.
"""

from __future__ import annotations

import base64
import html
import json

import ipywidgets as widgets

from spinelab.course import datafile, my_work
from spinelab.course.progress import ProgressStore


def link_markup(store: ProgressStore | None = None) -> str:
    """Two download links (HTML page, JSON data) carrying the work kept in ``store`` now, as HTML."""
    work = my_work.collect(store)
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
        super().__init__([self.button, self.links])

    def prepare(self) -> None:
        """Build the two files from the answers kept now and show their links."""
        self.links.value = link_markup(self._store)

    def __repr__(self) -> str:
        return self.button.description


def links(store: ProgressStore | None = None) -> MyWorkDownload:
    """The "my work" button for the work kept in ``store`` (default: this kernel's progress file)."""
    return MyWorkDownload(store)
