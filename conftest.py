"""Test-wide settings: a test run must not write anything into the working tree or a student's own files.

At the repository's root, so that every pytest run reads it first: the unit tests (``tests/``), the notebooks under
nbval (``pytest notebooks --nbval``) and the browser tests. The package itself never asks whether it runs under
pytest; it reads the variables set here (:mod:`spinelab.course.settings`).
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# Hypothesis keeps its files (example database, caches) beside the tests unless told otherwise; a test run must
# not write into the working tree. Read lazily by Hypothesis, so setting it here, before any test, is in time.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "spinelab-hypothesis"))

from hypothesis import settings

# No example database in .hypothesis/ beside the tests; derandomized so CI runs the same examples each time.
settings.register_profile("spinelab", database=None, derandomize=True)
settings.load_profile("spinelab")

# Self-check progress goes to a temporary file for the whole session, never to the student's Jupyter data
# directory. Set at import, before any test runs: the kernels nbval starts and the servers the browser tests
# start are child processes, so they inherit it too.
# Only the first pytest process makes the folder (xdist workers inherit the variable) and removes it at exit.
if not os.environ.get("SPINELAB_PROGRESS"):
    _PROGRESS_DIR = tempfile.mkdtemp(prefix="spinelab-progress-")
    os.environ["SPINELAB_PROGRESS"] = str(Path(_PROGRESS_DIR) / "progress.json")
    atexit.register(shutil.rmtree, _PROGRESS_DIR, ignore_errors=True)

# Frames of live figures go to a temporary cache for the session, never to the user's cache folder (nor the working
# tree); nbval's kernels and the browser tests' servers inherit it.
if not os.environ.get("SPINELAB_FRAME_CACHE"):
    _FRAMES_DIR = tempfile.mkdtemp(prefix="spinelab-frames-")
    os.environ["SPINELAB_FRAME_CACHE"] = _FRAMES_DIR
    atexit.register(shutil.rmtree, _FRAMES_DIR, ignore_errors=True)

# Class stores (the room's votes) go to a temporary folder, never to the instructor's Jupyter data folder.
if not os.environ.get("SPINELAB_CLASS_STORE_DIR"):
    _CLASSES_DIR = tempfile.mkdtemp(prefix="spinelab-classes-")
    os.environ["SPINELAB_CLASS_STORE_DIR"] = _CLASSES_DIR
    atexit.register(shutil.rmtree, _CLASSES_DIR, ignore_errors=True)
