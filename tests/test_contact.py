"""A crawl of livejournal.com says who runs it: LiveJournal's operators read the User-Agent
and the WARC files' warcinfo to reach that person, not the authors of the tool."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archiver import PROJECT_URL, exitcodes
from archiver.sample.content import build_site
from archiver.sample.server import running_server

OPERATOR = "mailto:operator@example.org"


def archiver(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    plain = {k: v for k, v in os.environ.items() if k != "ARCHIVER_CONTACT_URL"}
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
        env={**plain, **(env or {})},
    )


def sent(output: Path) -> tuple[set[str], list[str]]:
    """The User-Agent lines of every request the crawl archived, and its warcinfo bodies."""
    agents: set[str] = set()
    infos: list[str] = []
    from warcio.archiveiterator import ArchiveIterator

    for path in sorted((output / "warc").glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "request":
                    agents.add(record.http_headers.get_header("User-Agent"))
                elif record.rec_type == "warcinfo":
                    infos.append(record.content_stream().read().decode())
    return agents, infos


def test_a_crawl_of_livejournal_without_a_contact_is_refused_before_anything(
    tmp_path: Path,
) -> None:
    output = tmp_path / "lj"
    for command in (
        ["crawl", "zloy_odessit", "--output", str(output)],
        ["worker", "--output", str(output), "--broker", "redis://127.0.0.1:9/0"],
    ):
        refused = archiver(*command)
        assert refused.returncode == exitcodes.BAD_ARGUMENTS, refused.stderr
        assert "say who runs this crawl" in refused.stderr and "--contact URL" in refused.stderr
        assert "Traceback" not in refused.stderr
    assert not output.exists()
    # Through a proxy that is not on this machine LiveJournal may be reached: asked too.
    remote = archiver(
        "crawl", "zloy_odessit", "--output", str(output), "--proxy", "http://192.0.2.1:3128"
    )
    assert remote.returncode == exitcodes.BAD_ARGUMENTS and "say who runs" in remote.stderr
    assert not output.exists()
    scrapy = subprocess.run(
        [
            *(str(Path(sys.executable).parent / "scrapy"), "crawl", "journal", "-a", "journal=x"),
            *("-s", f"ARCHIVER_OUTPUT={output}"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "ARCHIVER_CONTACT_URL"},
        cwd=Path(__file__).resolve().parents[1],
    )
    assert scrapy.returncode == exitcodes.BAD_ARGUMENTS
    assert "ARCHIVER_CONTACT_URL" in scrapy.stderr
    assert not output.exists()


@pytest.mark.parametrize("how", ["--contact", "environment"])
def test_the_contact_given_is_in_every_request_and_warcinfo(how: str, tmp_path: Path) -> None:
    with running_server(site=build_site(0, 30)) as server:
        given = ["--contact", OPERATOR] if how == "--contact" else []
        env = {"ARCHIVER_CONTACT_URL": OPERATOR} if how == "environment" else {}
        done = archiver(
            *("crawl", "tea_club", "--output", str(tmp_path), "--proxy", server.proxy_url),
            *given,
            env=env,
        )
    assert done.returncode == exitcodes.OK, done.stderr[-2000:]
    agents, infos = sent(tmp_path)
    assert agents == {f"archiver/0.1.0 (+{OPERATOR})"}
    assert infos and all(f"operator-contact: {OPERATOR}" in info for info in infos)


def test_through_a_proxy_without_a_contact_the_tool_is_named_and_no_operator(
    tmp_path: Path,
) -> None:
    with running_server(site=build_site(0, 30)) as server:
        done = archiver("crawl", "tea_club", "--output", str(tmp_path), "--proxy", server.proxy_url)
    assert done.returncode == exitcodes.OK, done.stderr[-2000:]
    agents, infos = sent(tmp_path)
    assert agents == {f"archiver/0.1.0 (+{PROJECT_URL})"}
    assert infos and not any("operator-contact" in info for info in infos)
