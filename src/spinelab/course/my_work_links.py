"""The "my work" download in a notebook or a class page: two links carrying the files themselves (no server needed).

``spinelab.course.my_work_links.links()`` as the last line of a code cell displays a link to the HTML page and
one to the JSON data (:mod:`spinelab.course.my_work`), built from the progress the page's kernel keeps: the
student's own file in JupyterLab, their page's file in class mode. As plain text (nbval, static exports) it is
the two links' words. The words are in ``data/my_work.toml``.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass

from spinelab.course import datafile, my_work
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


def links(store: ProgressStore | None = None) -> MyWorkLinks:
    """The two download links for the work kept in ``store`` (default: this kernel's progress file)."""
    work = my_work.collect(store)
    words = datafile.load("my_work")["labels"]
    return MyWorkLinks((("my-work.html", "text/html", my_work.to_html(work), words["download_html"]),
                        ("my-work.json", "application/json", json.dumps(work, indent=1, ensure_ascii=False),
                         words["download_json"])))
