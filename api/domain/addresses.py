"""Which network addresses actas may call out to (webhooks): the public internet, and inside the
operator's own network only what they allow deliberately.

Pure rules, no I/O: ``services/outbound.py`` resolves names and asks here about every address.
Python's ``ipaddress.is_global`` alone is not enough (in 3.11 it calls NAT64, 6to4, IPv4-compatible
and site-local IPv6 addresses global, and each of those can reach an IPv4 host inside), so those
ranges are refused by name too.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Ranges refused before the generic checks, each with what it is called in an error message.
_NAMED_RANGES: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(network), what)
    for network, what in (
        ("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
        ("::ffff:0:0/96", "an IPv4-mapped IPv6 address"),
        ("::/96", "an IPv4-compatible IPv6 address"),
        ("64:ff9b::/96", "a NAT64 address"),
        ("64:ff9b:1::/48", "a NAT64 address"),
        ("2002::/16", "a 6to4 address"),
        ("2001::/32", "a Teredo address"),
        ("fec0::/10", "a site-local address"),
    )
)

# Names that lead inside whatever they resolve to: RFC 6761's localhost, mDNS, the private-use
# suffixes of RFC 6762 appendix G and RFC 8375, and the clouds' instance metadata services.
PRIVATE_SUFFIXES = (
    "localhost",
    "local",
    "localdomain",
    "internal",
    "intranet",
    "private",
    "corp",
    "home",
    "lan",
    "home.arpa",
)
HOST_NAME = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$")
METADATA_NAMES = frozenset({"metadata", "instance-data", "metadata.google.internal"})


def address_refusal(address: IPAddress) -> str | None:
    """Why actas may not call ``address`` ("a loopback address"), or None for a public one."""
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    for network, what in _NAMED_RANGES:
        if address.version == network.version and address in network:
            return what
    checks = (
        (address.is_link_local, "a link-local address (cloud metadata lives there)"),
        (address.is_multicast, "a multicast address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "not a public address"),
    )
    return next((what for refused, what in checks if refused), None)


def canonical_host(host: str) -> str:
    """A host name as compared everywhere: lowercase, without the root's trailing dot."""
    return host.strip().lower().rstrip(".")


def name_refusal(host: str) -> str | None:
    """Why a host *name* leads inside, whatever it resolves to here and now, or None."""
    name = canonical_host(host)
    if name in METADATA_NAMES:
        return "a cloud metadata name"
    suffix = next((s for s in PRIVATE_SUFFIXES if name == s or name.endswith("." + s)), None)
    return f"a private name (.{suffix})" if suffix else None


def literal_address(host: str) -> IPAddress | None:
    """The address a host *is* when it is written as one, in any form the C library accepts:
    ``2130706433``, ``0177.0.0.1`` and ``127.1`` are all 127.0.0.1 to ``getaddrinfo``, so they
    must be to the policy too. None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def endpoint(url: str) -> str:
    """What the record says of a webhook's URL: scheme, host and port. Every member reads the
    record, and a URL's path, query or user part often carries a receiver's secret."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://[{host}]{port}" if ":" in host else f"{parts.scheme}://{host}{port}"


@dataclass(frozen=True)
class AllowList:
    """Internal targets an operator allows on purpose (``ACTAS_WEBHOOK_ALLOW``): host names,
    exactly, and addresses or ranges (``127.0.0.1``, ``10.20.0.0/16``, ``fd00::/8``)."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        """From a list of entries; raises ValueError naming one that is neither."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (e.strip() for e in entries):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                if not HOST_NAME.match(entry):
                    raise ValueError(f"{entry!r} is neither a host name nor an address") from None
                hosts.add(canonical_host(entry))
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        return canonical_host(host) in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        return any(address.version == n.version and address in n for n in self.networks)


NOTHING_ALLOWED = AllowList()


def refusal(host: str, addresses: Sequence[IPAddress], allowed: AllowList) -> str | None:
    """Why calling ``host``, which resolved to ``addresses`` (none: it did not resolve), is
    refused ("localhost resolves to a loopback address"), or None when it may be called.

    Every address must pass: a name answering one public and one private address would
    otherwise reach inside on the connection attempt that picks the private one. A private
    name passes only when every address it has is in an allowed range."""
    if allowed.allows_host(host):
        return None
    for address in addresses:
        why = None if allowed.allows_address(address) else address_refusal(address)
        if why is not None:
            verb = "is" if literal_address(host) == address else "resolves to"
            return f"{host} {verb} {why}"
    named = name_refusal(host)
    if named and not (addresses and all(allowed.allows_address(a) for a in addresses)):
        return f"{host} is {named}"
    return None
