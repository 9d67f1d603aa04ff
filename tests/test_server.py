"""The hardened Voilà's pieces that need no server: frames, log scrubbing, Host names, the kernel limit."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from spinelab.publish import class_kernels, hosts, server


def _v1_frame(*parts: bytes) -> bytes:
    """A kernel message as protocol v1 packs it: part count, offsets, then the parts (channel first)."""
    offsets, position = [], 8 * (len(parts) + 2)
    for part in parts:
        offsets.append(position)
        position += len(part)
    offsets.append(position)
    head = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + b"".join(parts)


def test_a_well_formed_v1_frame_fits():
    assert server.frame_fits(_v1_frame(b"shell", b'{"msg_type": "comm_msg"}', b"{}", b"{}", b"{}"))


@pytest.mark.parametrize("frame", [
    (10**18).to_bytes(8, "little") + b"\0" * 64,  # the count that loops on the event loop
    (3).to_bytes(8, "little") + b"\0" * 8,  # offsets missing
    (3).to_bytes(8, "little") + (40).to_bytes(8, "little") + (30).to_bytes(8, "little") + (32).to_bytes(8, "little"),
    (3).to_bytes(8, "little") + (32).to_bytes(8, "little") * 2 + (999).to_bytes(8, "little"),  # past the end
    b"abc", '{"channel": "shell"}',
])
def test_frames_whose_counts_or_offsets_do_not_fit_are_refused(frame):
    assert not server.frame_fits(frame)


def test_the_token_is_scrubbed_from_messages_arguments_and_tracebacks(caplog):
    token = "Zq9-secret-token-123456"
    logger = logging.getLogger("spinelab-test-scrub")
    scrub = server.scrub_logs(token, [logger])
    try:
        with caplog.at_level(logging.INFO, logger="spinelab-test-scrub"):
            logger.warning("404 GET /nothing?token=%s (127.0.0.1)", token)
            try:
                raise ValueError(f"bad url ?token={token}")
            except ValueError:
                logger.exception("failed")
        text = caplog.text
    finally:
        logger.removeFilter(scrub)
        logging.lastResort.removeFilter(scrub)
    assert token not in text
    assert "404 GET /nothing?token=[token] (127.0.0.1)" in text and "bad url ?token=[token]" in text


@pytest.mark.parametrize(("host", "allowed"), [
    ("127.0.0.1:8866", True), ("localhost:8866", True), ("[::1]:8866", True), ("192.168.1.20:8866", True),
    ("LOCALHOST", True), ("classroom-laptop:8866", True), ("classroom-laptop.local", True),
    ("evil.example:8866", False), ("localhost.evil.example", False), ("", False),
])
def test_host_names_other_than_this_machines_are_refused(host, allowed):
    assert hosts.host_allowed(host, {"localhost", "classroom-laptop", "classroom-laptop.local"}) is allowed


def _manager(tmp_path: Path, available_kb: int, max_kernels: int, running: int) -> class_kernels.GuardedKernelManager:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(f"MemTotal: 24684084 kB\nMemAvailable: {available_kb} kB\n")
    manager = class_kernels.GuardedKernelManager(max_kernels=max_kernels, kernel_mb=160, meminfo=str(meminfo))
    manager._kernels.update({f"k{i}": object() for i in range(running)})
    return manager


def test_a_kernel_beyond_the_planned_peak_is_refused(tmp_path):
    _manager(tmp_path, 8_000_000, 5, 4).room_for_a_kernel()
    with pytest.raises(class_kernels.KernelRefusedError, match="5 kernels are running, the most this class"):
        _manager(tmp_path, 8_000_000, 5, 5).room_for_a_kernel()


def test_memory_is_read_again_before_each_kernel(tmp_path):
    _manager(tmp_path, 160 * 1024, 0, 50).room_for_a_kernel()
    with pytest.raises(class_kernels.KernelRefusedError, match="159 MB of memory available, a kernel needs 160"):
        _manager(tmp_path, 159 * 1024, 0, 0).room_for_a_kernel()


def test_starting_a_kernel_beyond_the_limit_raises_before_anything_starts(tmp_path):

    manager = _manager(tmp_path, 8_000_000, 1, 1)
    with pytest.raises(class_kernels.KernelRefusedError):
        asyncio.run(manager.start_kernel(kernel_name="python3"))
    assert len(manager._kernels) == 1
