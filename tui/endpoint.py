"""Is the cloud URL one farmdash should talk to? Decided once at start, before any packet is sent.

Pure functions, so the decision for a host on another machine is tested without a packet to it.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from .safe import plain

INSECURE_FLAG = "--allow-insecure-http"
INSECURE_SETTING = "allow_insecure_http"

_USERINFO = re.compile(r"^([^:/?#]*://)[^#]*@")
_BAD_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")


def shown_url(url: str, limit: int = 80) -> str:
    """The URL as it may appear in a message: anything before an `@` (a user or password) hidden."""
    text = plain(_USERINFO.sub(r"\1***@", url) if "@" in url else url)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_loopback(host: str) -> bool:
    """This machine by name or address (127.0.0.0/8, ::1); no name is looked up."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def endpoint_problem(url: str, source: str, *, allow_insecure_http: bool = False) -> str | None:
    """None if farmdash may log in at `url`; else one line saying what is wrong (never the password)."""
    if not url.strip():
        return f"{source} is empty: give the cloud's URL, e.g. https://cloud.3dprinteros.com"
    shown = shown_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        # The parser's detail may quote part of a password (a "port" after user:), so not then.
        detail = "" if "@" in url else f" ({plain(exc)})"
        return f"{source} {shown!r} is not a valid URL{detail}"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return (
            f"{source} holds a user name or password ({shown}): leave them out of the URL and use "
            "FARMDASH_USERNAME and FARMDASH_PASSWORD, or the login screen"
        )
    if parts.scheme not in ("http", "https"):
        return f"{source} {shown!r} is not an http(s) URL"
    if not parts.hostname:
        return f"{source} {shown!r} names no host"
    if _BAD_CHARS.search(url):
        return f"{source} {shown!r} has a space or control character in it"
    if port == 0:
        return f"{source} {shown!r} has port 0"
    if parts.scheme == "http" and not is_loopback(parts.hostname) and not allow_insecure_http:
        return (
            f"{source} {shown!r} is plain http to another machine: the password and session would cross the "
            f"network unencrypted; use https, or pass {INSECURE_FLAG} (or set {INSECURE_SETTING} = true) to accept that"
        )
    return None


def insecure_notice(url: str) -> str | None:
    """The one-line warning shown at start when the user opted in to plain http to another machine."""
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.hostname and not is_loopback(parts.hostname):
        return f"Plain http to {shown_url(url)}: the password and session cross the network unencrypted."
    return None
