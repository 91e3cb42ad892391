"""A tiny raw HTTP client for the tests: goes through the sample server as a proxy, byte-exact."""

from __future__ import annotations

import gzip
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class RawResponse:
    wire: bytes  # everything the server sent, as it sent it
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # decoded from chunked and gzip

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(port: int, url: str, headers: dict[str, str] | None = None) -> RawResponse:
    parts = urlsplit(url)
    host = parts.hostname or ""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    if parts.scheme == "https":
        sock.sendall(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            reply += sock.recv(1)
        assert reply.startswith(b"HTTP/1.1 200"), reply
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = context.wrap_socket(sock, server_hostname=host)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    else:
        target = url
    lines = [f"GET {target or '/'} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    wire = b""
    while True:
        try:
            piece = sock.recv(65536)
        except (ssl.SSLError, ConnectionError):
            break
        if not piece:
            break
        wire += piece
    sock.close()
    return parse_wire(wire)


def parse_wire(wire: bytes) -> RawResponse:
    if not wire:
        return RawResponse(wire, 0, [], b"")
    head, _, payload = wire.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = [(k.strip(), v.strip()) for k, v in (ln.split(":", 1) for ln in lines[1:])]
    body = payload
    encoding = {k.lower(): v for k, v in headers}
    if encoding.get("transfer-encoding") == "chunked":
        body = dechunk(payload)
    if encoding.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return RawResponse(wire, status, headers, body)


def dechunk(payload: bytes) -> bytes:
    out = b""
    while payload:
        size_line, _, rest = payload.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        out += rest[:size]
        payload = rest[size + 2 :]
    return out
