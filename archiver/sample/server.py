"""The sample LiveJournal over HTTP: an HTTP/1.1 server that is also an HTTPS proxy.

A crawler points its proxy at this server. Plain-http requests arrive in proxy form
(`GET http://host/path`); https requests arrive as `CONNECT host:443`, after which the server
speaks TLS itself with a throwaway certificate and answers as `host` would. So the crawler keeps
LiveJournal's own URLs, and the requests it records are the ones it would send to LiveJournal.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import gzip
import ssl
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from archiver.sample import media, routes
from archiver.sample.content import Site, build_site
from archiver.sample.faults import FaultOptions, choose_fault
from archiver.sample.sessions import Sessions
from archiver.sample.tls import server_context

MAX_HEAD = 64 * 1024
CHUNK_SIZE = 4096
CACHE_SIZE = 4096


@dataclass
class ServerStats:
    requests: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    # Every request line naming a tracker host (media.TRACKER_DOMAINS): "CONNECT host:port" for a
    # tunnel to one, the URL for a request in proxy form or inside a tunnel. A crawl sends none.
    tracker_requests: list[str] = field(default_factory=list)
    # Requests for LiveJournal's own hosts, by the wall-clock second they arrived in (Unix time).
    site_requests_per_second: Counter[int] = field(default_factory=Counter)


class SampleServer:
    def __init__(
        self, site: Site, faults: FaultOptions | None = None, keep_sent: bool = False
    ) -> None:
        self.site = site
        self.faults = faults or FaultOptions()
        self.stats = ServerStats()
        # With keep_sent, every response's bytes as written, by URL: tests compare archives to it.
        self.sent: dict[str, list[bytes]] | None = {} if keep_sent else None
        # The login sessions it accepts, kept in memory (see archiver.sample.sessions).
        self.sessions = Sessions(self.faults.expire_session_after)
        self._tls: ssl.SSLContext | None = None
        # Answers by (URL, adult cookie, reader): pages differ by who reads them.
        self._cache: OrderedDict[tuple[str, bool, str | None], routes.Response] = OrderedDict()
        self._server: asyncio.Server | None = None

    # ------------------------------------------------------------ lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._tls = server_context()
        self._server = await asyncio.start_server(self._connection, host, port, limit=MAX_HEAD)
        sockname = self._server.sockets[0].getsockname()
        return int(sockname[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with suppress(Exception):
                await self._server.wait_closed()

    def revoke_sessions(self) -> None:
        """Every session this server accepts stops working: pages come back logged out."""
        self.sessions.revoke_all()

    # ------------------------------------------------------------ connections

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve(reader, writer, scheme="http", tunnel_host=None)
        except (
            ConnectionError,
            asyncio.IncompleteReadError,
            ssl.SSLError,
            asyncio.LimitOverrunError,
        ):
            pass
        finally:
            with suppress(Exception):
                writer.close()

    async def _serve(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        scheme: str,
        tunnel_host: str | None,
    ) -> None:
        while True:
            head = await _read_head(reader)
            if head is None:
                return
            method, target, version, headers = head
            body = await _read_body(reader, headers)
            if method == "CONNECT" and tunnel_host is None:
                if media.is_tracker(target.rsplit(":", 1)[0]):
                    self.stats.tracker_requests.append(f"CONNECT {target}")
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
                assert self._tls is not None
                await writer.start_tls(self._tls)
                await self._serve(reader, writer, "https", target.split(":", 1)[0])
                return
            url = _absolute_url(target, headers, scheme, tunnel_host)
            request = routes.Request(method, url, headers, body)
            keep_alive = await self._answer(writer, request, version)
            if not keep_alive:
                return

    async def _answer(
        self, writer: asyncio.StreamWriter, request: routes.Request, version: str
    ) -> bool:
        self.stats.requests += 1
        host = urlsplit(request.url).hostname or ""
        if host == "livejournal.com" or host.endswith((".livejournal.com", ".livejournal.net")):
            self.stats.site_requests_per_second[int(time.time())] += 1
        if media.is_tracker(host):
            self.stats.tracker_requests.append(request.url)
        attempt = self.stats.attempts.get(request.url, 0) + 1
        self.stats.attempts[request.url] = attempt
        fault = choose_fault(self.faults, request.url, attempt, self.stats.requests)
        if fault:
            self.stats.faults[fault] = self.stats.faults.get(fault, 0) + 1
        if self.faults.latency_ms:
            await asyncio.sleep(self.faults.latency_ms / 1000)
        if fault == "drop":
            return False
        response = self._fault_response(fault) or self._response(request)
        if response.raw is not None:
            self._send(writer, request.url, response.raw)
            await writer.drain()
            return False
        closing = _wants_close(request, version) or fault == "truncate"
        wire = encode_response(response, request, self.faults, closing, fault == "truncate")
        self._send(writer, request.url, wire)
        await writer.drain()
        return not closing

    def _send(self, writer: asyncio.StreamWriter, url: str, wire: bytes) -> None:
        if self.sent is not None:
            self.sent.setdefault(url, []).append(wire)
        writer.write(wire)

    def _fault_response(self, fault: str | None) -> routes.Response | None:
        if fault == "throttle":
            return _plain(self.site, 429, "Too many requests", self.faults.retry_after)
        if fault == "error":
            status = self.faults.error_status
            return _plain(self.site, status, "Something broke", self.faults.retry_after)
        return None

    def _response(self, request: routes.Request) -> routes.Response:
        cookies = request.cookies()
        account = self.sessions.reader(cookies)
        reader = account.username if account is not None else None
        logging_in = routes.login_attempt(request)
        if logging_in is not None:
            session = self.sessions.open(logging_in, long=bool(request.form().get("remember_me")))
            return routes.logged_in(self.site, request, session)
        if request.method not in ("GET", "HEAD"):
            return routes.respond(self.site, request, reader)
        key = (request.url, cookies.get(routes.ADULT_COOKIE) == "1", reader)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        response = routes.respond(self.site, request, reader)
        if self.faults.crawl_delay and urlsplit(request.url).path == "/robots.txt":
            line = f"Crawl-delay: {self.faults.crawl_delay:g}\n".encode()
            response = dataclasses.replace(response, body=response.body + line)
        self._cache[key] = response
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return response


def _plain(site: Site, status: int, text: str, retry_after: int) -> routes.Response:
    from email.utils import format_datetime

    headers: tuple[tuple[str, str], ...] = (
        ("Date", format_datetime(site.now, usegmt=True)),
        ("Content-Type", "text/plain; charset=utf-8"),
    )
    if status in (429, 503):
        headers += (("Retry-After", str(retry_after)),)
    return routes.Response(status, routes.REASONS[status], headers, text.encode() + b"\n")


async def _read_head(
    reader: asyncio.StreamReader,
) -> tuple[str, str, str, tuple[tuple[str, str], ...]] | None:
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return None
    headers = []
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers.append((name.strip(), value.strip()))
    return parts[0].upper(), parts[1], parts[2], tuple(headers)


async def _read_body(reader: asyncio.StreamReader, headers: tuple[tuple[str, str], ...]) -> bytes:
    for name, value in headers:
        if name.lower() == "content-length" and value.isdigit() and int(value) > 0:
            return await reader.readexactly(int(value))
    return b""


def _absolute_url(
    target: str, headers: tuple[tuple[str, str], ...], scheme: str, tunnel_host: str | None
) -> str:
    if target.startswith(("http://", "https://")):
        return target
    host = tunnel_host or next((v for k, v in headers if k.lower() == "host"), "localhost")
    return f"{scheme}://{host.split(':', 1)[0]}{target}"


def _wants_close(request: routes.Request, version: str) -> bool:
    connection = (request.header("Connection") or "").lower()
    return connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")


def encode_response(
    response: routes.Response,
    request: routes.Request,
    faults: FaultOptions,
    closing: bool,
    truncate: bool = False,
) -> bytes:
    """The response as bytes on the wire, with the encodings the options ask for."""
    body = b"" if request.method == "HEAD" else response.body
    headers = list(response.headers)
    headers.append(("Server", "archiver-sample-lj"))
    if faults.gzip and "gzip" in (request.header("Accept-Encoding") or "") and body:
        body = gzip.compress(body, mtime=0)
        headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
    if truncate:
        headers.append(("Content-Length", str(len(body))))
        payload = body[: len(body) // 2]
    elif faults.chunked and body:
        headers.append(("Transfer-Encoding", "chunked"))
        payload = b"".join(_chunks(body))
    else:
        headers.append(("Content-Length", str(len(body))))
        payload = body
    headers.append(("Connection", "close" if closing else "keep-alive"))
    head = f"HTTP/1.1 {response.status} {response.reason}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode("latin-1") + b"\r\n" + payload


def _chunks(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), CHUNK_SIZE):
        piece = body[start : start + CHUNK_SIZE]
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"


# ------------------------------------------------------------ running it


class RunningServer:
    """A sample server on a loopback port, in a thread of its own."""

    def __init__(self, server: SampleServer, port: int, loop: asyncio.AbstractEventLoop) -> None:
        self.server = server
        self.port = port
        self.loop = loop

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def revoke_sessions(self) -> None:
        """Revoke every session the server accepts, from the test's thread; returns when done."""
        done: concurrent.futures.Future[None] = concurrent.futures.Future()

        def revoke() -> None:
            self.server.revoke_sessions()
            done.set_result(None)

        self.loop.call_soon_threadsafe(revoke)
        done.result(timeout=10)

    @property
    def tracker_requests(self) -> int:
        """How many requests for tracker hosts the server has had (tunnels to them included)."""
        return len(self.server.stats.tracker_requests)

    @property
    def site_requests_per_second(self) -> dict[int, int]:
        """Requests for LiveJournal's hosts in each wall-clock second that had any."""
        return dict(self.server.stats.site_requests_per_second)

    @property
    def tracker_urls(self) -> list[str]:
        """What those requests asked for, in order (`CONNECT host:443` for a tunnel)."""
        return list(self.server.stats.tracker_requests)


@contextmanager
def running_server(
    revision: int = 0,
    posts: int | None = None,
    faults: FaultOptions | None = None,
    port: int = 0,
    site: Site | None = None,
    keep_sent: bool = False,
) -> Iterator[RunningServer]:
    site = site or (build_site(revision) if posts is None else build_site(revision, posts))
    server = SampleServer(site, faults, keep_sent)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, int] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        holder["port"] = loop.run_until_complete(server.start(port=port))
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="sample-lj", daemon=True)
    thread.start()
    if not started.wait(timeout=120):
        raise RuntimeError("the sample server did not start")
    try:
        yield RunningServer(server, holder["port"], loop)
    finally:
        asyncio.run_coroutine_threadsafe(server.close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        if not thread.is_alive():
            loop.close()


async def serve_forever(server: SampleServer, host: str, port: int) -> None:
    actual = await server.start(host, port)
    print(f"Sample LiveJournal listening on http://{host}:{actual}", flush=True)
    print(
        "Point a crawl at it: "
        f"scrapy crawl journal -a journal=zloy_odessit -s ARCHIVER_PROXY=http://{host}:{actual}",
        flush=True,
    )
    print(
        f"Try it by hand: curl -k -x http://{host}:{actual} https://zloy-odessit.livejournal.com/"
    )
    await asyncio.Event().wait()
