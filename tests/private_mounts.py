"""Filesystems a test can make without touching the machine's: a command runs in a private mount
namespace (util-linux `unshare`), where a small tmpfs or a read-only view of a directory exists
only for that command and vanishes with it, so nothing is left mounted when a test dies."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest


def unshare() -> list[str]:
    if os.geteuid() == 0:
        return ["unshare", "--mount", "--propagation", "private"]
    return ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"]


def in_private_mounts(script: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    _require_mount_namespaces()
    return subprocess.run(
        [*unshare(), "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@cache
def mount_namespace_problem() -> str | None:
    try:
        trial = subprocess.run(
            [*unshare(), "sh", "-c", "mount -t tmpfs tmpfs /mnt"], capture_output=True, text=True
        )
    except FileNotFoundError:
        return "util-linux's unshare is not installed"
    if trial.returncode != 0:
        return f"this machine allows no private mount namespace: {trial.stderr.strip()}"
    return None


def _require_mount_namespaces() -> None:
    """Fail (in CI) or skip (elsewhere) with the reason when no mount namespace can be made:
    a container without CAP_SYS_ADMIN, user namespaces switched off."""
    problem = mount_namespace_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(problem)
    pytest.skip(problem)


def on_a_small_disk(
    argv: Sequence[str], mount: Path, size: str, keep: Path
) -> subprocess.CompletedProcess[str]:
    """Run `argv` with a tmpfs of `size` mounted at `mount`; copy what it wrote there to `keep`.

    The script exits with the command's own exit code."""
    mount.mkdir(parents=True, exist_ok=True)
    script = "\n".join(
        [
            "set -u",
            f"mount -t tmpfs -o size={size} tmpfs {shlex.quote(str(mount))} || exit 90",
            f"{shlex.join(argv)}",
            "code=$?",
            f"cp -a {shlex.quote(str(mount))}/. {shlex.quote(str(keep))}/ || exit 91",
            "exit $code",
        ]
    )
    keep.mkdir(parents=True, exist_ok=True)
    return in_private_mounts(script)


def on_read_only_media(argv: Sequence[str], directory: Path) -> subprocess.CompletedProcess[str]:
    """Run `argv` while `directory` is mounted read-only over itself. Exit 92 if a write to it
    would still succeed, so a test never passes on media that were not read-only."""
    where = shlex.quote(str(directory))
    script = "\n".join(
        [
            f"mount --bind {where} {where} || exit 90",
            f"mount -o remount,bind,ro {where} || exit 91",
            f"if touch {where}/.probe 2>/dev/null; then exit 92; fi",
            f"exec {shlex.join(argv)}",
        ]
    )
    return in_private_mounts(script)
