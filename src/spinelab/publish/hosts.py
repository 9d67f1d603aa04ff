"""Which ``Host`` headers name this machine: the class server's guard against DNS rebinding (:mod:`.server`)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable


def host_name(host_header: str) -> str:
    """The host in a ``Host`` header, without its port or IPv6 brackets, lower case."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def host_allowed(host_header: str, names: Iterable[str]) -> bool:
    """Whether a ``Host`` header names this machine: an IP address, or one of ``names`` (``localhost`` etc.).

    A browser sends an IP address only when it connects to it; a DNS-rebinding page sends its own name.
    """
    host = host_name(host_header)
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return host.rstrip(".") in {name.lower().rstrip(".") for name in names}


def local_names() -> set[str]:
    """This machine's names: ``localhost``, its hostname and fully qualified name (and ``.local``)."""
    hostname = socket.gethostname().lower()
    return {"localhost", "localhost.localdomain", hostname, f"{hostname}.local", socket.getfqdn().lower()}
