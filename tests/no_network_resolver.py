"""A Scrapy DNS resolver that resolves no name, as on a machine with no network: nothing is
sent anywhere, not even to a DNS server (`-s DNS_RESOLVER=no_network_resolver.NoNetwork`)."""

from __future__ import annotations

from typing import Any

from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer


@implementer(IResolverSimple)
class NoNetwork:
    def __init__(self, reactor: Any) -> None:
        self.reactor = reactor

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> NoNetwork:
        return cls(reactor)

    def install_on_reactor(self) -> None:
        self.reactor.installResolver(self)

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        return defer.fail(DNSLookupError(f"no results for hostname lookup: {name}"))
