"""The deal sheet's address as a QR code, and the stall's address on its network.

The buyer scans the code with a phone on the stall's Wi-Fi, so it must hold an
address the phone can reach: the stall device's own LAN address, not 127.0.0.1 (which
is what the kiosk's own browser uses). The address is read from the network
interfaces (no packet is sent to find it); `serve(public_host=...)` overrides it where
the guess is wrong (several interfaces, a hotspot).

segno makes the code: pure Python, no image library, and SVG scales to any screen.
"""

from __future__ import annotations

import io
import ipaddress
import socket
import sys
from contextlib import suppress

import segno

# Interfaces of containers, VMs and VPNs: a phone on the stall's Wi-Fi reaches none.
_VIRTUAL_PREFIXES = ("lo", "docker", "br-", "veth", "virbr", "vmnet", "tun", "tap", "wg", "zt")


def qr_svg(url: str, title: str = "") -> str:
    """A standalone SVG of `url` as a QR code (error correction M: survives a smudge
    on the screen or a phone held at an angle), black on white with a quiet zone."""
    code = segno.make_qr(url, error="m")
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=8,
        border=4,
        dark="#000",
        light="#fff",
        title=title or url,
        xmldecl=True,
    )
    return out.getvalue().decode("utf-8")


def _interface_addresses() -> list[tuple[str, str]]:
    """(interface, IPv4 address) of each interface that has one (Linux ioctl)."""
    if not sys.platform.startswith("linux"):
        return []
    import fcntl
    import struct

    siocgifaddr = 0x8915
    found: list[tuple[str, str]] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name[:15].encode())
            try:
                reply = fcntl.ioctl(probe.fileno(), siocgifaddr, request)
            except OSError:
                continue
            found.append((name, socket.inet_ntoa(reply[20:24])))
    return found


def lan_address() -> str | None:
    """The stall's IPv4 address on its local network, or None when it has none.

    A private address (192.168.x, 10.x, 172.16-31.x) on a physical interface first,
    then any other non-loopback one."""
    candidates: list[tuple[int, str]] = []
    with suppress(OSError):
        for name, address in _interface_addresses():
            ip = ipaddress.ip_address(address)
            if ip.is_loopback or ip.is_unspecified or ip.is_link_local:
                continue
            virtual = name.startswith(_VIRTUAL_PREFIXES)
            candidates.append((2 * virtual + (not ip.is_private), address))
    if not candidates:
        with suppress(OSError):
            address = socket.gethostbyname(socket.gethostname())
            if not ipaddress.ip_address(address).is_loopback:
                candidates.append((3, address))
    return min(candidates)[1] if candidates else None
