"""``spinelab present``: every notebook as an app, presenter style, through the hardened server.

A token on loopback too (any web page the instructor visits can send requests to loopback), a page's kernel
stopped when the page closes, idle kernels culled as in class, at most :data:`PRESENT_MAX_KERNELS` kernels and
memory checked before each (:class:`spinelab.publish.class_kernels.GuardedKernelManager`).
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


def present_config(listen: Listen) -> dict[str, dict[str, object]]:
    """The Voilà configuration of ``present``: every notebook, no pool, at most :data:`PRESENT_MAX_KERNELS`."""
    return {
        **server_config(listen),
        "VoilaConfiguration": {
            "template": TEMPLATE,
            "show_tracebacks": False,
            "multi_kernel_manager_class": "spinelab.publish.class_kernels.GuardedKernelManager",
        },
        "GuardedKernelManager": {"max_kernels": PRESENT_MAX_KERNELS, "kernel_mb": KERNEL_MB},
    }


def prepare_present(folder: Path, listen: Listen) -> dict[str, str]:
    """Write ``present``'s configuration (owner-only) and template into ``folder``; return Voilà's environment.

    Raises
    ------
    ClassroomError
        When ``folder`` holds files the present tool did not write (nothing is deleted).
    """
    env = server_folder(folder, "present")
    write_private(folder / "voila.json", json.dumps(present_config(listen), indent=2) + "\n")
    base = {key: value for key, value in os.environ.items() if key != TOKEN_ENV}
    return {**base, **env, "SPINELAB_PRESENTER": "1"}


def serve_present(host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, notebooks: Path = Path("notebooks"),
                  token: str | None = None, folder: Path = Path("build/present"), certfile: Path | None = None,
                  keyfile: Path | None = None) -> int:
    """Serve every notebook in presenter style, with a token (on loopback too: any web page could reach it)."""
    listen = listen_on(host, port, token, certfile, keyfile)
    env = prepare_present(folder, listen)
    announce(listen.url("voila/render/00_start_here.ipynb"), [
        "The course in presenter style (Voilà).",
        f"A page's kernel stops when the page closes, or after {CULL_IDLE_SECONDS // 60} minutes idle.",
    ], "Course map", host)
    return exec_server(voila_command(notebooks, folder), env)
