"""Mutated real and sample pages through the parser: anything but items or a ParseError is a
crash, named by its exception type and the line of archiver code that raised it."""

from __future__ import annotations

import random
import re
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archiver.parse import ParseError, parse_page

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CAPTURED = datetime(2021, 10, 10, 12, 0, tzinfo=UTC)
HUGE = ["9" * 40, "400000000", "-1", "1e400", "NaN", "99999999999999"]
Mutation = Callable[[random.Random, bytes], bytes]


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes


@dataclass
class FuzzReport:
    pages: int = 0
    parsed: int = 0
    parse_errors: int = 0
    crashes: Counter[str] = field(default_factory=Counter)
    # ParseErrors that parse_page made of another exception: each a bug to look at, not a crash.
    wrapped: Counter[str] = field(default_factory=Counter)
    by_mutation: Counter[str] = field(default_factory=Counter)


def seed_pages() -> list[Page]:
    """Every fixture page with the URL it was captured from."""
    import json

    pages = []
    for capture in sorted(FIXTURES.glob("*/*/capture.json")):
        url = json.loads(capture.read_text("utf-8"))["url"]
        for name in ("page.html", "page.xml", "response.http"):
            if (capture.parent / name).exists():
                pages.append(Page(url, (capture.parent / name).read_bytes()))
    return pages


def truncate(rng: random.Random, body: bytes) -> bytes:
    return body[: rng.randrange(len(body) + 1)]


def flip_bytes(rng: random.Random, body: bytes) -> bytes:
    data = bytearray(body)
    for _ in range(rng.randint(1, 50)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def delete_tags(rng: random.Random, body: bytes) -> bytes:
    tags = [m.span() for m in re.finditer(rb"<[^<>]{1,200}>", body)]
    for start, end in sorted(rng.sample(tags, min(len(tags), rng.randint(1, 40))), reverse=True):
        body = body[:start] + body[end:]
    return body


def corrupt_site_json(rng: random.Random, body: bytes) -> bytes:
    spots = [m.start() for m in re.finditer(rb"Site\.\w+ *= *\{", body)]
    if not spots:
        return flip_bytes(rng, body)
    at = rng.choice(spots)
    cut = at + rng.randint(5, 400)
    return body[:cut] + rng.choice([b"", b"}", b"{{{", b'"', b"\x00"]) + body[cut + 50 :]


def huge_numbers(rng: random.Random, body: bytes) -> bytes:
    def replace(match: re.Match[bytes]) -> bytes:
        return match.group(1) + rng.choice(HUGE).encode()

    keys = rb"depth|level|ctime_ts|replycount|parent|talkid|thread|server_time|ditemid"
    pattern = rb'("(?:' + keys + rb')"\s*:\s*)-?\d+'
    text = re.sub(pattern, replace, body)
    return re.sub(rb"(b-tree-twig-|mdspost-thread--level-|margin-left: *)\d+", replace, text)


def wrong_encoding(rng: random.Random, body: bytes) -> bytes:
    text = body.decode("utf-8", "replace")
    encoding = rng.choice(["utf-16", "cp1251", "koi8-r", "latin-1"])
    return text.encode(encoding, "replace")


def deep_nesting(rng: random.Random, body: bytes) -> bytes:
    depth = rng.choice([1000, 10_000, 100_000])
    at = rng.randrange(len(body) + 1)
    return body[:at] + b"<div>" * depth + body[at:]


MUTATIONS: dict[str, Mutation] = {
    "truncate": truncate,
    "flip-bytes": flip_bytes,
    "delete-tags": delete_tags,
    "corrupt-site-json": corrupt_site_json,
    "huge-numbers": huge_numbers,
    "wrong-encoding": wrong_encoding,
    "deep-nesting": deep_nesting,
}


def crash_signature(error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "archiver" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__} at {where}"


def fuzz(count: int, seed: int = 0) -> FuzzReport:
    rng = random.Random(seed)
    pages = seed_pages()
    report = FuzzReport()
    names = sorted(MUTATIONS)
    for n in range(count):
        page = pages[n % len(pages)]
        name = names[rng.randrange(len(names))]
        body = MUTATIONS[name](rng, page.body)
        report.pages += 1
        report.by_mutation[name] += 1
        try:
            parse_page(page.url, body, captured_at=CAPTURED)
            report.parsed += 1
        except ParseError as error:
            report.parse_errors += 1
            if error.__cause__ is not None:
                report.wrapped[crash_signature(error.__cause__)] += 1
        except Exception as error:  # a crash: what the fuzzer is looking for
            report.crashes[crash_signature(error)] += 1
    return report
