"""WACZ 1.1.1 packaging of an output directory: its WARC files, a CDXJ index, a page list from
the database, and the datapackage manifests (no Scrapy).

Spec: https://specs.webrecorder.net/wacz/1.1.1/. The ZIP holds

    archive/<name>.warc.gz      the WARC files, stored (they are gzip already)
    indexes/index.cdx           CDXJ, regenerated from exactly those files; `filename` names
                                the file inside archive/, as ReplayWeb.page and pywb expect
    pages/pages.jsonl           every archived post and journal front page
    datapackage.json            name, path, sha256 and size of each file above
    datapackage-digest.json     sha256 of datapackage.json

For a pinned `created` the file is byte-identical from the same inputs: entries come in a
fixed order, all dated `created`, with fixed permissions.

It holds the output's run lock (OUTPUT/.archiver.lock) while it reads, so no crawl writes
meanwhile: `LockHeld` if one is running. A WARC file that a killed crawl left with a
half-written last record goes in without that record (and with a warning): warcio would
otherwise read the torn record as a short whole one, and the index would point past its end.

The index is named `index.cdx`, not `index.cdxj`: ReplayWeb.page (wabac.js) loads either, but
pywb's `wb-manager add --unpack-wacz` only picks up `*.cdx` and `*.cdx.gz`, and without an
index it adds nothing at all, not even the WARC files.

A WACZ is made to be shared, so an archive that holds non-public posts or pages fetched logged
in is packaged only when asked how: `public_only` packages copies of the WARC files holding
only the records the public copy of the database keeps (archiver.archive.public), each gzip
member byte for byte, with the index and page list made from them; `include_private`
packages everything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import IO, Any

from archiver import __version__
from archiver.archive.layout import DATABASE_FILE, WACZ_FILE, WARC_DIRECTORY
from archiver.archive.lock import output_lock
from archiver.archive.public import kept_record_ids, private_content, write_public_copy
from archiver.archive.verify import gzip_members
from archiver.archive.warc import CDXJ_INDEX, index_warcs, warc_files
from archiver.store import reads

log = logging.getLogger(__name__)

WACZ_VERSION = "1.1.1"
ARCHIVE_DIR = "archive"
INDEX_PATH = "indexes/index.cdx"  # CDXJ lines; see the module docstring for the name
PAGES_PATH = "pages/pages.jsonl"
DATAPACKAGE = "datapackage.json"
DATAPACKAGE_DIGEST = "datapackage-digest.json"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
CHUNK = 1 << 20
FILE_MODE = 0o100644  # a regular file, rw-r--r--
UNIX = 3  # ZIP "version made by" host system
TITLE_JOURNALS = 3  # name the journals in the title up to this many
HEAD_END = b"\r\n\r\n"
HEAD_CHUNK = 1 << 14  # a record's WARC header is inflated this many gzip bytes at a time
PUBLIC_ONLY_NOTE = (
    "Public posts only: non-public posts, screened comments and pages fetched logged in "
    "are left out."
)


class WaczError(Exception):
    """The output directory cannot be packaged."""


class PrivateContentError(WaczError):
    """The archive holds what is not for everyone, and nobody said whether to package it."""


@dataclass(frozen=True)
class Page:
    """One line of pages.jsonl."""

    id: str
    url: str
    ts: str  # RFC 3339, to the second, like the CDXJ timestamps
    title: str


@dataclass(frozen=True)
class Resource:
    """One file of the package, as datapackage.json lists it."""

    name: str
    path: str
    hash: str
    bytes: int


def write_wacz(
    output: Path,
    target: Path | None = None,
    *,
    created: datetime | None = None,
    title: str | None = None,
    public_only: bool = False,
    include_private: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Package OUTPUT's WARC files and page list into `target` (default OUTPUT/archive.wacz);
    with `public_only`, only what the public copy of the archive keeps. `progress(bytes,
    total)` is told of each WARC file packaged.

    Raises PrivateContentError if the archive holds non-public posts or pages fetched logged
    in and neither `public_only` nor `include_private` is given, WaczError if there is nothing
    to package, LockHeld if a crawl is writing to OUTPUT.
    """
    if public_only and include_private:
        raise WaczError("public_only and include_private exclude each other")
    if not (output / WARC_DIRECTORY).is_dir():
        raise WaczError(f"no WARC files in {output / WARC_DIRECTORY}")
    with output_lock(output):
        return _write_wacz(output, target, created, title, public_only, include_private, progress)


def _write_wacz(
    output: Path,
    target: Path | None,
    created: datetime | None,
    title: str | None,
    public_only: bool,
    include_private: bool,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    warcs = warc_files(output / WARC_DIRECTORY)
    database = output / DATABASE_FILE
    if not warcs:
        raise WaczError(f"no WARC files in {output / WARC_DIRECTORY}")
    if not database.is_file():
        raise WaczError(f"no database at {database}")
    if not (public_only or include_private):
        refuse_private(database)
    target = target if target is not None else output / WACZ_FILE
    moment = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        with TemporaryDirectory() as scratch:
            sources, database = package_sources(output, warcs, Path(scratch), public_only)
            with reads.connect(database) as db:
                pages = read_pages(db)
                journals = reads.journal_names(db)
            metadata = package_metadata(journals, pages, moment, title, public_only)
            index = write_index(sources, Path(scratch) / CDXJ_INDEX)
            write_zip(partial, sources, index, pages_jsonl(pages), metadata, moment, progress)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def package_sources(
    output: Path, warcs: Sequence[Path], scratch: Path, public_only: bool
) -> tuple[list[Path], Path]:
    """The WARC files and the database a package is made from: OUTPUT's (whole records only),
    or with `public_only` their public copies, written in `scratch`."""
    whole = whole_warcs(warcs, scratch / WARC_DIRECTORY)
    if not public_only:
        return whole, output / DATABASE_FILE
    public = scratch / "public"
    database = public / DATABASE_FILE
    write_public_copy(output / DATABASE_FILE, database)
    with reads.connect(database) as db:
        kept = kept_record_ids(db)
    return public_warcs(whole, kept, public / WARC_DIRECTORY), database


def refuse_private(database: Path) -> None:
    """PrivateContentError if the archive holds anything a shared package must not carry
    unasked."""
    with reads.connect(database) as db:
        private = private_content(db)
    if private.any:
        raise PrivateContentError(
            f"{database} holds {private.describe()}; a WACZ is made to be shared, and they "
            "would be in it. Give --public-only to leave them out (and the screened comments "
            "and pages that show them), or --include-private to package everything."
        )


def package_metadata(
    journals: Sequence[str],
    pages: Sequence[Page],
    moment: datetime,
    title: str | None,
    public_only: bool,
) -> dict[str, Any]:
    """The datapackage.json fields besides its resources."""
    description = describe(journals, pages)
    metadata: dict[str, Any] = {
        "title": title or default_title(journals),
        "description": f"{description} {PUBLIC_ONLY_NOTE}" if public_only else description,
        "created": rfc3339(moment),
        "software": f"archiver {__version__}",
    }
    if public_only:
        metadata["public_only"] = True
    return metadata


def write_zip(
    target: Path,
    warcs: Sequence[Path],
    index: Path,
    pages: bytes,
    metadata: dict[str, Any],
    moment: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """The entries in their fixed order; datapackage.json last but one, listing the others."""
    total, done = sum(w.stat().st_size for w in warcs), 0
    with zipfile.ZipFile(target, "w", allowZip64=True) as archive:
        resources = []
        for warc in warcs:
            resources.append(add_file(archive, f"{ARCHIVE_DIR}/{warc.name}", warc, moment))
            done += warc.stat().st_size
            if progress is not None:
                progress(done, total)
        resources.append(add_file(archive, INDEX_PATH, index, moment, zipfile.ZIP_DEFLATED))
        resources.append(add_bytes(archive, PAGES_PATH, pages, moment))
        package = datapackage_json(resources, metadata)
        add_bytes(archive, DATAPACKAGE, package, moment)
        add_bytes(archive, DATAPACKAGE_DIGEST, digest_json(package), moment)


# ------------------------------------------------------------ contents


def whole_warcs(warcs: Sequence[Path], scratch: Path) -> list[Path]:
    """The WARC files to package: each one as it is, or, if its last record is half-written,
    a copy in `scratch` of the whole records before it (none at all: the file is left out)."""
    whole = []
    for warc in warcs:
        size = whole_records_size(warc)
        if size == warc.stat().st_size:
            whole.append(warc)
            continue
        log.warning(
            "%s: leaving out the half-written record at offset %d (%d bytes)",
            warc.name,
            size,
            warc.stat().st_size - size,
        )
        if size:
            whole.append(copy_head(warc, scratch / warc.name, size))
    if not whole:
        raise WaczError(f"no whole WARC record in {warcs[0].parent}")
    return whole


def whole_records_size(warc: Path) -> int:
    """How many leading bytes of the file are whole gzip members, that is whole records."""
    try:
        return max((m.end for m in gzip_members(warc) if m.complete), default=0)
    except zlib.error as error:
        raise WaczError(
            f"{warc.name} is damaged ({error}): `archiver verify` shows where"
        ) from error


def copy_head(source: Path, target: Path, size: int) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    os.truncate(target, size)
    return target


def public_warcs(warcs: Sequence[Path], kept: frozenset[str], scratch: Path) -> list[Path]:
    """Copies in `scratch` of `warcs` (whole records only) holding the records `kept` names
    (response and revisit record ids), the request records that go with them, and each file's
    warcinfo record; a file left with no kept record is left out."""
    copies = []
    for warc in warcs:
        copy = scratch / warc.name
        if copy_kept_records(warc, copy, kept):
            copies.append(copy)
        else:
            copy.unlink()
    if not copies:
        raise WaczError("nothing public to package: every page of the archive is left out")
    return copies


def copy_kept_records(source: Path, target: Path, kept: frozenset[str]) -> int:
    """Copy the gzip members (records) of `source` that `keeps_record` keeps to `target`, byte
    for byte; return how many response and revisit records were kept."""
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with source.open("rb") as stream, target.open("wb") as sink:
        for member in gzip_members(source):
            if not member.complete:
                break
            stream.seek(member.start)
            raw = stream.read(member.end - member.start)
            fields = record_fields(raw)
            if keeps_record(fields, kept):
                sink.write(raw)
                count += int(fields.get("warc-type") in ("response", "revisit"))
    return count


def keeps_record(fields: dict[str, str], kept: frozenset[str]) -> bool:
    """A response or revisit if `kept` names it; a request (any record concurrent to one) if
    its response is kept; the warcinfo record always; nothing else."""
    kind = fields.get("warc-type")
    if kind == "warcinfo":
        return True
    if kind in ("response", "revisit"):
        return fields.get("warc-record-id") in kept
    return fields.get("warc-concurrent-to") in kept


def record_fields(member: bytes) -> dict[str, str]:
    """The WARC header fields of the record in one gzip member, names lower-cased; only as
    much of it is inflated as the header takes."""
    inflater = zlib.decompressobj(wbits=31)
    head = b""
    for start in range(0, len(member), HEAD_CHUNK):
        head += inflater.decompress(member[start : start + HEAD_CHUNK])
        if HEAD_END in head or inflater.eof:
            break
    lines = head.split(HEAD_END, 1)[0].decode("utf-8", "replace").split("\r\n")[1:]
    pairs = (line.partition(":") for line in lines)
    return {name.strip().lower(): value.strip() for name, _, value in pairs}


def write_index(warcs: Sequence[Path], target: Path) -> Path:
    """A sorted CDXJ index of `warcs` whose `filename` fields are their bare names."""
    try:
        index_warcs(warcs, target)
    except Exception as error:  # whole gzip members that warcio cannot read as records
        raise WaczError(
            f"cannot index the WARC files: {error!r} (`archiver verify` shows which record)"
        ) from error
    return target


def read_pages(db: sqlite3.Connection) -> list[Page]:
    """Each journal's front page, then its posts by ditemid, each at its latest capture's time
    (a post at the capture it was parsed from)."""
    fronts = reads.front_page_captures(db)
    posts = reads.post_page_captures(db)
    keyed = [
        ((journal, -1), Page(f"journal:{journal}", url, to_second(at), front_title(journal, *rest)))
        for journal, url, at, *rest in fronts
    ]
    keyed += [
        ((journal, ditemid), Page(f"post:{journal}/{ditemid}", url, to_second(at), title or url))
        for journal, ditemid, url, at, title in posts
    ]
    return [page for _, page in sorted(keyed, key=lambda item: item[0])]


def front_title(username: str, title: str | None, status: str | None) -> str:
    """The journal's own title; for one that is gone, its name and what became of it."""
    if status and status != "active":
        return f"{username} ({status})"
    return title or username


def default_title(journals: Sequence[str]) -> str:
    if not journals or len(journals) > TITLE_JOURNALS:
        return f"LiveJournal archive of {len(journals)} journals"
    return "LiveJournal archive: " + ", ".join(journals)


def describe(journals: Sequence[str], pages: Sequence[Page]) -> str:
    posts = sum(1 for page in pages if page.id.startswith("post:"))
    return f"{posts} posts from {len(journals)} journals: {', '.join(journals)}."


def pages_jsonl(pages: Iterable[Page]) -> bytes:
    lines = [_json_line(PAGES_HEADER)]
    lines += [_json_line({"id": p.id, "url": p.url, "ts": p.ts, "title": p.title}) for p in pages]
    return "".join(lines).encode("utf-8")


def datapackage_json(resources: Sequence[Resource], metadata: dict[str, Any]) -> bytes:
    package: dict[str, Any] = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        **metadata,
        "resources": [
            {"name": r.name, "path": r.path, "hash": r.hash, "bytes": r.bytes} for r in resources
        ],
    }
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def digest_json(package: bytes) -> bytes:
    digest = {"path": DATAPACKAGE, "hash": "sha256:" + hashlib.sha256(package).hexdigest()}
    return (json.dumps(digest, indent=2) + "\n").encode("utf-8")


def resource_name(path: str) -> str:
    """The Frictionless name of a file: its lower-cased base name, in [-a-z0-9._/]."""
    return re.sub(r"[^-a-z0-9._/]", "-", path.rsplit("/", 1)[-1].lower())


# ------------------------------------------------------------ times


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_second(iso: str) -> str:
    """A stored ISO 8601 time (a WARC-Date) as RFC 3339 in UTC, to the second."""
    return rfc3339(datetime.fromisoformat(iso.replace("Z", "+00:00")))


# ------------------------------------------------------------ zip


def add_file(
    archive: zipfile.ZipFile,
    path: str,
    source: Path,
    moment: datetime,
    compression: int = zipfile.ZIP_STORED,
) -> Resource:
    with source.open("rb") as stream:
        return _add(archive, path, _chunks(stream), source.stat().st_size, moment, compression)


def add_bytes(
    archive: zipfile.ZipFile,
    path: str,
    data: bytes,
    moment: datetime,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Resource:
    return _add(archive, path, [data], len(data), moment, compression)


def _add(
    archive: zipfile.ZipFile,
    path: str,
    chunks: Iterable[bytes],
    size_hint: int,
    moment: datetime,
    compression: int,
) -> Resource:
    """Write one entry, hashing exactly the bytes that go into it."""
    info = zip_entry(path, moment, compression)
    info.file_size = size_hint  # zipfile decides on ZIP64 from it, before writing
    digest = hashlib.sha256()
    size = 0
    with archive.open(info, "w") as sink:
        for chunk in chunks:
            digest.update(chunk)
            sink.write(chunk)
            size += len(chunk)
    return Resource(resource_name(path), path, "sha256:" + digest.hexdigest(), size)


def zip_entry(path: str, moment: datetime, compression: int) -> zipfile.ZipInfo:
    """An entry whose header depends only on its path, `moment` and compression."""
    stamp = moment.astimezone(UTC)
    info = zipfile.ZipInfo(path, date_time=_dos_time(stamp))
    info.compress_type = compression
    info.create_system = UNIX
    info.external_attr = FILE_MODE << 16
    return info


def _dos_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    year = min(max(moment.year, 1980), 2107)  # the years a ZIP header can hold
    return (year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def _json_line(value: dict[str, str]) -> str:
    return json.dumps(value, ensure_ascii=False) + "\n"
