"""Where a server command (``sim viz``, ``sim play``) can be reached from.

A server bound to 127.0.0.1 is reachable from this machine only. Any other ``--host``
makes it reachable from a network, so the command says which addresses (and interfaces)
before it starts: 0.0.0.0 and ``::`` mean every interface, listed one by one. An empty
``--host ""`` (often an unset shell variable) would also bind every interface without
looking like it, so it is refused. Interfaces are found with the standard library
(``socket.if_nameindex`` and the ``SIOCGIFADDR`` ioctl on Linux, ``/proc/net/if_inet6``
for IPv6), or psutil where it is installed; no new dependency.
"""

from __future__ import annotations

import ipaddress
import socket

from sim.errors import InputError, literal

LOCAL = "127.0.0.1"
_SIOCGIFADDR = 0x8915  # Linux: an interface's IPv4 address


def check_host(host: str) -> str:
    """The ``--host`` of a server command, checked.

    Raises:
        InputError: an empty or blank host, which would bind every interface unseen.
    """
    if not host.strip():
        raise InputError(
            f"--host {literal(repr(host))}: an empty address binds every network interface "
            "of this machine; write --host 0.0.0.0 if that is what you mean (reachable from "
            "every network it is on), or leave --host out to serve this machine only"
        )
    return host


def interface_addresses() -> list[tuple[str, str]]:
    """``(interface, address)`` for every IPv4 and IPv6 address of this machine."""
    try:
        import psutil
    except ImportError:
        pass
    else:
        families = (socket.AF_INET, socket.AF_INET6)
        return [
            (name, a.address.split("%")[0])
            for name, addrs in psutil.net_if_addrs().items()
            for a in addrs
            if a.family in families
        ]
    found = _linux_ipv4() + _linux_ipv6()
    if found:
        return found
    try:  # elsewhere: the addresses this machine's name resolves to
        infos = socket.getaddrinfo(socket.gethostname(), None)
    except OSError:
        return []
    return [("?", str(info[4][0])) for info in infos]


def _linux_ipv4() -> list[tuple[str, str]]:
    try:
        import fcntl
        import struct
    except ImportError:  # pragma: no cover - not Unix
        return []
    out = []
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:  # pragma: no cover
        return []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for name in names:
            try:
                packed = fcntl.ioctl(
                    s.fileno(), _SIOCGIFADDR, struct.pack("256s", name.encode()[:15])
                )
            except OSError:  # no IPv4 address on this interface
                continue
            out.append((name, socket.inet_ntoa(packed[20:24])))
    return out


def _linux_ipv6() -> list[tuple[str, str]]:
    try:
        with open("/proc/net/if_inet6", encoding="ascii") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) == 6:
            address = ipaddress.IPv6Address(int(parts[0], 16))
            out.append((parts[5], str(address)))
    return out


def reachable_on(host: str) -> list[tuple[str, str]]:
    """The ``(interface, address)`` pairs a server bound to ``host`` is reachable on.

    Empty when ``host`` is this machine only (loopback addresses, ``localhost``).
    """
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return [("?", host)]  # not resolvable here: the server will say so when it binds
    bound = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
    interfaces = [(n, a) for n, a in interface_addresses() if _is_ip(a)]
    if any(b.is_unspecified for b in bound):
        # "::" also takes IPv4 connections on most systems (Linux's bindv6only is 0).
        families = {4, 6} if any(b.version == 6 and b.is_unspecified for b in bound) else {4}
        return [
            (n, a)
            for n, a in interfaces
            if ipaddress.ip_address(a).version in families
            and not ipaddress.ip_address(a).is_loopback
        ] or [("?", "every interface of this machine")]
    outside = {b for b in bound if not b.is_loopback}
    named = {ipaddress.ip_address(a): n for n, a in interfaces}
    return [(named.get(b, "?"), str(b)) for b in sorted(outside, key=str)]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def exposure_warning(host: str, port: int, what: str) -> str:
    """The warning a server command prints for ``host``; empty for this machine only.

    Args:
        host: the ``--host`` given (checked with :func:`check_host`).
        port: the port.
        what: what is served (``the dashboard``, ``the room session``).
    """
    places = reachable_on(host)
    if not places:
        return ""
    shown = ", ".join(
        f"http://{f'[{a}]' if ':' in a else a}:{port}" + (f" ({n})" if n != "?" else "")
        for n, a in places
    )
    return (
        f"warning: --host {host} serves {what} beyond this machine: anyone who can reach "
        f"these addresses can open it: {shown}. Leave --host out to serve this machine only."
    )
