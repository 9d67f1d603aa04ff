"""The npm tarballs of the slide decks' scripts, checked against the integrity pinned in ``vendor.lock``.

``make slides`` downloads reveal.js, RequireJS, jQuery and MathJax with ``npm pack``; before unpacking each one it
runs ``python -m spinelab.publish.vendor <package>@<version> <tarball>``, which exits with an error when the
tarball's sha512 digest is not the one pinned, or the package has no pin.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import sys
from importlib import resources
from pathlib import Path

#: Where the pins are: one ``<package>@<version> sha512-<base64 digest>`` per line.
LOCK = "publish/vendor.lock"


class IntegrityError(ValueError):
    """A tarball is not the one pinned, or its package has no pin."""


def pins(text: str | None = None) -> dict[str, str]:
    """The pinned integrity of each ``<package>@<version>`` (from ``vendor.lock`` unless ``text`` is given)."""
    if text is None:
        text = resources.files("spinelab").joinpath(LOCK).read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            spec, integrity = line.split()
            found[spec] = integrity
    return found


def integrity(tarball: Path) -> str:
    """The tarball's integrity string as npm writes it: ``sha512-`` and the base64 digest."""
    return "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode("ascii")


def verify(spec: str, tarball: Path, pinned: dict[str, str] | None = None) -> None:
    """Raise :class:`IntegrityError` unless ``tarball`` has the integrity pinned for ``spec``."""
    pinned = pins() if pinned is None else pinned
    if spec not in pinned:
        raise IntegrityError(f"{spec} has no pinned integrity in spinelab/{LOCK}; add its "
                             f"`npm view {spec} dist.integrity`")
    found = integrity(tarball)
    if found != pinned[spec]:
        raise IntegrityError(f"{tarball.name} ({spec}) has integrity {found}, not the pinned {pinned[spec]}")


def main(argv: list[str] | None = None) -> int:
    """Command line: check one tarball; exit status 1 with the reason on a mismatch."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", help="<package>@<version>, as in the Makefile's VENDOR_PACKAGES")
    parser.add_argument("tarball", type=Path, help="the file npm pack wrote")
    args = parser.parse_args(argv)
    try:
        verify(args.spec, args.tarball)
    except IntegrityError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
