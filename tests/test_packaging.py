"""The distributions as the package index would get them: a free name, the licence, the
Python versions, the command and the Datasette plugin."""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_and_the_sdist_carry_the_name_the_licence_and_the_entry_points(
    tmp_path: Path,
) -> None:
    source = tmp_path / "source"  # what a fresh clone holds, so the checkout is left alone
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = tmp_path.glob("*.whl")
    (sdist,) = tmp_path.glob("*.tar.gz")
    assert wheel.name == "livejournal_archiver-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = "livejournal_archiver-0.1.0.dist-info"
        metadata = email.message_from_bytes(archive.read(f"{info}/METADATA"))
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
        licence = archive.read(f"{info}/licenses/LICENSE").decode()
    assert metadata["Name"] == "livejournal-archiver"
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata["Requires-Python"] in (">=3.11,<3.14", "<3.14,>=3.11")
    classifiers = metadata.get_all("Classifier") or []
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert any(url.startswith("Source, https://") for url in metadata.get_all("Project-URL") or [])
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert "archiver = archiver.cli:main" in entry_points
    assert "[datasette]" in entry_points and "archiver = archiver.datasette.plugin" in entry_points
    # The import package is `archiver`, with what the demo and Datasette read at run time.
    assert any(n.startswith("archiver/sample/data/") for n in names)
    assert "archiver/datasette/metadata.yml" in names and "archiver/py.typed" in names
    assert not any(n.startswith("tests/") for n in names)
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    assert {"LICENSE", "README.md", "pyproject.toml"} <= members


def test_the_version_is_the_distributions() -> None:
    shown = subprocess.run(
        [Path(sys.executable).parent / "archiver", "--version"], capture_output=True, text=True
    )
    assert shown.returncode == 0 and shown.stdout.strip() == "archiver, version 0.1.0"
