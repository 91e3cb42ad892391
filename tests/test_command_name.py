"""The command a hint prints is the one the user can paste: as they invoked `archiver`."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.command_name import command_name


def program(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_an_installed_archiver_found_on_the_path_is_written_by_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = program(tmp_path / "usr" / "bin" / "archiver")
    monkeypatch.setenv("PATH", str(installed.parent))
    assert command_name(str(installed), cwd=tmp_path / "elsewhere") == "archiver"


def test_a_virtual_environment_in_the_checkout_is_written_as_its_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_venv = program(tmp_path / ".venv" / "bin" / "archiver")
    monkeypatch.setenv("PATH", "/nonexistent")
    assert command_name(str(in_venv), cwd=tmp_path) == ".venv/bin/archiver"
    # Another `archiver` on the path is not this one.
    other = program(tmp_path / "other" / "archiver")
    monkeypatch.setenv("PATH", str(other.parent))
    assert command_name(str(in_venv), cwd=tmp_path) == ".venv/bin/archiver"
    assert command_name(str(in_venv), cwd=tmp_path / "other") == str(in_venv)


def test_a_module_run_is_written_as_one(tmp_path: Path) -> None:
    assert command_name("/src/archiver/cli.py", cwd=tmp_path).endswith(" -m archiver.cli")
