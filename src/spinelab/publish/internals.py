"""The one place the class server touches Voilà's and jupyter_client's private internals, version-checked.

Voilà 0.5's pool manager (``voila.voila_kernel_manager``) subclasses the configured kernel manager, fills the pool
right after ``__init__``, reads ``kernel_pools_config`` again at every refill and keeps each notebook's pool in
``_pools``; jupyter_client's multi-kernel manager keeps the kernels still starting in ``_pending_kernels``. Each
function first checks that the installed library is one these names were tested with (:data:`VOILA`,
:data:`JUPYTER_CLIENT`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from spinelab.course.versions import Tested, require_tested

#: The Voilà versions whose pool manager internals were checked.
VOILA = Tested("voila", "0.5", "0.6")
#: The jupyter_client versions whose multi-kernel manager internals were checked.
JUPYTER_CLIENT = Tested("jupyter_client", "8.0", "9.0")


def set_pool_sizes(manager: Any, size: int) -> None:
    """Set every pool's target size (Voilà reads it again at each refill)."""
    require_tested(VOILA)
    pools = getattr(manager, "kernel_pools_config", None)
    if pools:
        manager.kernel_pools_config = {name: {**conf, "pool_size": size} for name, conf in pools.items()}


def pools(manager: Any) -> dict[str, list[asyncio.Future]]:
    """Each notebook's preheated kernels, as Voilà's tasks (each giving ``{"task": <the rendering>, ...}``)."""
    require_tested(VOILA)
    return dict(getattr(manager, "_pools", {}))


def kernel_ids(manager: Any) -> set[str]:
    """The ids of ``manager``'s kernels, running or still starting."""
    require_tested(JUPYTER_CLIENT)
    return set(manager._kernels) | set(manager._pending_kernels)
