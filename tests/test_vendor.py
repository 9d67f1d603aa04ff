"""The slide decks' npm downloads are pinned by integrity: every package the Makefile fetches, and nothing else."""

import re
from pathlib import Path

import pytest

from spinelab.publish import vendor

ROOT = Path(__file__).resolve().parents[1]


def _makefile_packages() -> list[str]:
    (line,) = re.findall(r"^VENDOR_PACKAGES\s*:=\s*(.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    return line.split()


def test_every_package_the_makefile_downloads_has_a_sha512_pin_and_no_pin_is_left_over():
    pinned = vendor.pins()
    assert sorted(pinned) == sorted(_makefile_packages())
    assert all(re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", value) for value in pinned.values())


def test_the_makefile_checks_each_tarball_before_unpacking_it():
    recipe = (ROOT / "Makefile").read_text().split("$(VENDOR)/.unpacked:", 1)[1].split("\n\n", 1)[0]
    assert recipe.index("spinelab.publish.vendor") < recipe.index("tar -xzf")


def test_a_tarball_with_another_digest_or_without_a_pin_is_refused(tmp_path):
    tarball = tmp_path / "jquery-3.5.1.tgz"
    tarball.write_bytes(b"not the published tarball")
    pinned = {"jquery@3.5.1": vendor.integrity(tarball)}
    vendor.verify("jquery@3.5.1", tarball, pinned)
    tarball.write_bytes(b"tampered")
    with pytest.raises(vendor.IntegrityError, match=r"jquery-3\.5\.1\.tgz \(jquery@3\.5\.1\) has integrity sha512-"):
        vendor.verify("jquery@3.5.1", tarball, pinned)
    with pytest.raises(vendor.IntegrityError, match=r"mathjax@2\.7\.7 has no pinned integrity"):
        vendor.verify("mathjax@2.7.7", tarball, pinned)
    assert vendor.main(["jquery@3.5.1", str(tarball)]) == 1
