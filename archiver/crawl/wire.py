"""A Scrapy download handler that keeps the bytes of every HTTP exchange as they crossed the wire.

Scrapy hands its components a parsed response: Twisted has already dropped the reason phrase,
folded repeated headers together, removed the connection headers (Transfer-Encoding, Connection)
and undone chunked transfer coding. An archive needs what was actually sent and received, so
this handler tees the connection: the request as written (after TLS, inside a proxy tunnel) and
every byte read until the next request on that connection. The capture travels to the
`response_downloaded` signal in `request.meta[WIRE_META_KEY]`.

It leans on Scrapy's private HTTP/1.1 classes, which is why `scrapy` is pinned to one minor
series; `tests/test_warc_crawl.py` (records equal to the bytes the server sent) fails if a
Scrapy or Twisted upgrade breaks the capture.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientProtocol,
    _ScrapyAgent,
)
from scrapy.crawler import Crawler
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Response
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.web._newclient import HTTP11ClientProtocol
from twisted.web.client import _HTTP11ClientFactory

WIRE_META_KEY = "archiver_wire"
CAPTURE_META_KEY = "archiver_capture_id"  # set by the WARC extension once an exchange is kept
logger = logging.getLogger(__name__)


@dataclass
class WireCapture:
    """One exchange on one connection: the request bytes written and the response bytes read."""

    sent: bytearray = field(default_factory=bytearray)
    received: bytearray = field(default_factory=bytearray)


class _TeeTransport:
    """Passes everything to the real transport and keeps a copy of what is written."""

    def __init__(self, transport: Any, copy: bytearray) -> None:
        self._transport = transport
        self._copy = copy

    def write(self, data: bytes) -> None:
        self._copy += data
        self._transport.write(data)

    def writeSequence(self, data: list[bytes]) -> None:
        for chunk in data:
            self._copy += chunk
        self._transport.writeSequence(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _RecordingProtocol(_LenientHTTP11ClientProtocol):
    _wire: WireCapture | None = None

    def request(self, request: Any) -> Deferred[Any]:
        capture = WireCapture()
        self._wire = capture
        real = self.transport
        self.transport = _TeeTransport(real, capture.sent)  # type: ignore[assignment]
        try:
            deferred = super().request(request)
        finally:
            self.transport = real
            proxy = getattr(self, "_transportProxy", None)
            if proxy is not None:
                proxy._producer = real

        def attach(response: Any) -> Any:
            response._archiver_wire = capture
            return response

        deferred.addCallback(attach)
        return deferred

    def dataReceived(self, bytes: bytes) -> None:
        if self._wire is not None:
            self._wire.received += bytes
        super().dataReceived(bytes)  # type: ignore[no-untyped-call]


class _RecordingFactory(_HTTP11ClientFactory):  # type: ignore[misc]
    noisy = False

    def buildProtocol(self, addr: Any) -> HTTP11ClientProtocol:
        return _RecordingProtocol(self._quiescentCallback)  # type: ignore[no-untyped-call]


class _RecordingAgent(_ScrapyAgent):  # type: ignore[misc]
    def _cb_latency(self, result: Any, request: Request, start_time: float) -> Any:
        capture = getattr(result, "_archiver_wire", None)
        if capture is not None:
            request.meta[WIRE_META_KEY] = capture
        return super()._cb_latency(result, request, start_time)


class _CappedDownloadsAsInfo(logging.Filter):
    """Scrapy warns of every download it cancels at `download_maxsize`. For a media file over
    ARCHIVER_MEDIA_MAX_BYTES that is the plan working (its `media` row says so), not a warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and "larger than download max size" in str(record.msg):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


_HTTP11_LOGGER = logging.getLogger("scrapy.core.downloader.handlers.http11")


class RecordingDownloadHandler(HTTP11DownloadHandler):  # type: ignore[misc]
    """Scrapy's HTTP/1.1 handler, with every exchange's wire bytes in `request.meta`."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._pool._factory = _RecordingFactory
        if not any(isinstance(f, _CappedDownloadsAsInfo) for f in _HTTP11_LOGGER.filters):
            _HTTP11_LOGGER.addFilter(_CappedDownloadsAsInfo())

    async def download_request(self, request: Request) -> Response:
        # A retry copies the meta of the failed attempt: none of its capture may carry over.
        for key in (WIRE_META_KEY, CAPTURE_META_KEY):
            request.meta.pop(key, None)
        agent = _RecordingAgent(
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        try:
            with wrap_twisted_exceptions():
                response: Response = await maybe_deferred_to_future(agent.download_request(request))
                return response
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
