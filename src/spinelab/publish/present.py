"""``spinelab present``: every notebook as an app, presenter style, through the hardened server.

A token on loopback too (any web page the instructor visits can send requests to loopback), a page's kernel
stopped when the page closes, idle kernels culled as in class, at most :data:`PRESENT_MAX_KERNELS` kernels and
memory checked before each (:class:`spinelab.publish.class_kernels.GuardedKernelManager`). From its start, a
warm-up draws every notebook's figures, in course order, into the frame cache in presenter style
(:mod:`spinelab.publish.frame_warmup`), so a slider's first moves in front of the class find their frames drawn.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from spinelab.publish.classroom import KERNEL_MB
from spinelab.publish.serving import (
    CULL_IDLE_SECONDS,
    DEFAULT_PORT,
    TEMPLATE,
    TOKEN_ENV,
    Listen,
    announce,
    exec_server,
    listen_on,
    server_config,
    server_folder,
    voila_command,
    write_private,
)

#: Most kernels ``present`` runs at once (one per page open; the instructor alone, plus a few tabs).
PRESENT_MAX_KERNELS = 12
#: Seconds the frame cache's warm-up may take for every notebook together.
WARM_UP_SECONDS = 600


def present_config(listen: Listen, notebooks: Path, warm_up: bool = True) -> dict[str, dict[str, object]]:
    """The Voilà configuration of ``present``: every notebook, no pool, at most :data:`PRESENT_MAX_KERNELS`, and
    (unless not ``warm_up``) a warm-up of the frame cache for the notebooks in the folder ``notebooks``, in course
    order."""
    warmed = sorted(notebooks.glob("*.ipynb")) if warm_up else []
    return {
        **server_config(listen),
        "VoilaConfiguration": {
            "template": TEMPLATE,
            "show_tracebacks": False,
            "multi_kernel_manager_class": "spinelab.publish.class_kernels.GuardedKernelManager",
        },
        "GuardedKernelManager": {"max_kernels": PRESENT_MAX_KERNELS, "kernel_mb": KERNEL_MB,
                                 "warm_up": [str(notebook.resolve()) for notebook in warmed],
                                 "warm_up_seconds": WARM_UP_SECONDS},
    }


def prepare_present(folder: Path, listen: Listen, notebooks: Path, warm_up: bool = True) -> dict[str, str]:
    """Write ``present``'s configuration (owner-only) and template into ``folder`` for the notebooks in the folder
    ``notebooks`` (see :func:`present_config`); return Voilà's environment.

    Raises
    ------
    ClassroomError
        When ``folder`` holds files the present tool did not write (nothing is deleted).
    """
    env = server_folder(folder, "present")
    write_private(folder / "voila.json", json.dumps(present_config(listen, notebooks, warm_up), indent=2) + "\n")
    base = {key: value for key, value in os.environ.items() if key != TOKEN_ENV}
    return {**base, **env, "SPINELAB_PRESENTER": "1"}


def serve_present(host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, notebooks: Path = Path("notebooks"),
                  token: str | None = None, folder: Path = Path("build/present"), certfile: Path | None = None,
                  keyfile: Path | None = None) -> int:
    """Serve every notebook in presenter style, with a token (on loopback too: any web page could reach it)."""
    listen = listen_on(host, port, token, certfile, keyfile)
    env = prepare_present(folder, listen, notebooks)
    announce(listen.url("voila/render/00_start_here.ipynb"), [
        "The course in presenter style (Voilà).",
        f"A page's kernel stops when the page closes, or after {CULL_IDLE_SECONDS // 60} minutes idle.",
    ], "Course map", host)
    return exec_server(voila_command(notebooks, folder), env)
