"""Download pages safely: http(s) only, public addresses only, capped size and time.

Every hop of a redirect chain is checked again: the scheme, then every address
the host name resolves to. Unless ``allow_private`` is set, a host that
resolves to any loopback, private, link-local, multicast, reserved or
otherwise non-global address is refused, and the connection goes to the very
address that was checked (the URL is pinned to it, with the original host in
the ``Host`` header and as the TLS server name), so a second DNS answer cannot
slip a private address in between the check and the connection.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from storylens.model import InputError
from storylens.sources.readers import (
    InputProblem,
    RawDoc,
    _mb,
    _one_line,
    decode_bytes,
    max_bytes_limit,
    read_feed,
)

DEFAULT_TIMEOUT = 20.0
MAX_REDIRECTS = 5
USER_AGENT = "storylens/0.1 (news story analysis; +https://github.com/storylens)"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")
_REDIRECTS = (301, 302, 303, 307, 308)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


PRIVATE_HINT = "use --allow-private to fetch it"


class FetchRefused(InputProblem):
    """A URL the fetcher will not contact (scheme or address)."""


@dataclass
class Page:
    url: str
    status: int
    content_type: str | None
    charset: str | None
    content: bytes


def _address_problem(ip: IPAddress) -> str | None:
    """Why an address may not be contacted, or None when it is a public unicast address."""
    embedded = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    teredo = getattr(ip, "teredo", None)
    if embedded is not None:
        return _address_problem(embedded)
    if teredo is not None:
        return _address_problem(teredo[1])
    for name in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{name}"):
            return name.replace("_", "-")
    if not ip.is_global:
        return "not globally routable"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address a host name resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise InputProblem(f"cannot resolve host {host!r} ({exc.strerror or exc})") from None
    out: list[IPAddress] = []
    for info in infos:
        addr = str(info[4][0]).split("%", 1)[0]
        ip = ipaddress.ip_address(addr)
        if ip not in out:
            out.append(ip)
    if not out:
        raise InputProblem(f"cannot resolve host {host!r}")
    return out


def check_url(url: str, allow_private: bool = False,
              private_hint: str = PRIVATE_HINT) -> tuple[str, int, list[IPAddress]]:
    """Refuse non-http(s) URLs and (unless allowed) hosts with any non-public address.

    ``private_hint`` ends the refusal of a non-public address: what the reader can do about it
    (the command line's ``--allow-private``; the web server says it fetches public addresses only)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"malformed URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(f"refused: only http and https URLs are fetched, not {scheme or 'a relative URL'!r}")
    host = parts.hostname
    if not host:
        raise FetchRefused("refused: URL has no host name")
    port = port or (443 if scheme == "https" else 80)
    ips = resolve(host, port)
    if not allow_private:
        for ip in ips:
            problem = _address_problem(ip)
            if problem:
                raise FetchRefused(
                    f"refused: {host} resolves to {ip} ({problem} address); {private_hint}"
                )
    return host, port, ips


def _pinned(url: str, host: str, ip: IPAddress) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL rewritten to connect to ``ip``, with the Host header and TLS server name of ``host``."""
    parts = urlsplit(url)
    with contextlib.suppress(httpx.InvalidURL, UnicodeError):  # the ASCII (IDNA) form, as sent on the wire
        host = httpx.URL(url).raw_host.decode("ascii")
    ip_text = f"[{ip}]" if ip.version == 6 else str(ip)
    netloc = ip_text + (f":{parts.port}" if parts.port else "")
    host_header = f"[{host}]" if ":" in host else host
    if parts.port:
        host_header += f":{parts.port}"
    extensions: dict[str, Any] = {}
    if parts.scheme.lower() == "https":
        extensions["sni_hostname"] = host
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), {"Host": host_header}, extensions


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _connect(client: httpx.Client, url: str, host: str, ips: list[IPAddress], allow_private: bool,
             timeout: float) -> httpx.Response:
    """Send the request, pinned to each checked address in turn (IPv4 first) until one connects."""
    if allow_private:
        attempts = [(url, {}, {})]
    else:
        ordered = sorted(ips, key=lambda ip: ip.version)
        attempts = [_pinned(url, host, ip) for ip in ordered[:4]]
    last: Exception | None = None
    for target, headers, extensions in attempts:
        try:
            req = client.build_request("GET", target, headers=headers, extensions=extensions)
            return client.send(req, stream=True)
        except httpx.ConnectError as exc:
            last = exc
            continue
        except httpx.TimeoutException:
            raise InputProblem(f"timed out after {timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise InputProblem(f"download failed ({exc.__class__.__name__}: {_one_line(exc, 120)})") from None
    raise InputProblem(f"cannot connect to {host} ({_one_line(last, 120) if last else 'no address'})")


def fetch_page(
    client: httpx.Client,
    url: str,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int | None = None,
    private_hint: str = PRIVATE_HINT,
) -> Page:
    """Fetch one URL, following up to :data:`MAX_REDIRECTS` redirects, each checked like the first."""
    limit = max_bytes or max_bytes_limit()
    deadline = time.monotonic() + timeout * 3
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        host, _port, ips = check_url(current, allow_private, private_hint)
        resp = _connect(client, current, host, ips, allow_private, timeout)
        try:
            if resp.status_code in _REDIRECTS:
                location = resp.headers.get("location")
                if not location:
                    raise InputProblem(f"HTTP {resp.status_code} redirect without a Location header")
                current = urljoin(current, location.strip())
                continue
            if resp.status_code >= 400 or resp.status_code < 200:
                raise InputProblem(f"HTTP {resp.status_code} {resp.reason_phrase}".rstrip())
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise InputProblem(f"page is {_mb(int(declared))}, over the {_mb(limit)} limit")
            chunks: list[bytes] = []
            size = 0
            try:
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise InputProblem(f"page is over the {_mb(limit)} limit (stopped reading)")
                    if time.monotonic() > deadline:
                        raise InputProblem(f"download took longer than {timeout * 3:g} s")
                    chunks.append(chunk)
            except httpx.TimeoutException:
                raise InputProblem(f"timed out after {timeout:g} s while reading") from None
            except httpx.HTTPError as exc:
                raise InputProblem(f"download failed ({exc.__class__.__name__}: {_one_line(exc, 120)})") from None
            ctype = resp.headers.get("content-type")
            return Page(url=current, status=resp.status_code, content_type=ctype, charset=_charset(ctype),
                        content=b"".join(chunks))
        finally:
            resp.close()
    raise InputProblem(f"more than {MAX_REDIRECTS} redirects")


def _to_docs(page: Page) -> Iterator[RawDoc | InputError]:
    mime = (page.content_type or "").split(";")[0].strip().lower()
    body = page.content
    if not body.strip():
        raise InputProblem("empty page")
    head = body[:1024].lstrip().lower()
    if mime in _FEED_TYPES or (not mime and head.startswith((b"<rss", b"<feed"))):
        if mime in _FEED_TYPES[3:] and b"<html" in body[:4096].lower():
            mime = "text/html"
        else:
            yield from read_feed(body, page.url)
            return
    if mime and mime not in _HTML_TYPES and mime != "text/plain":
        raise InputProblem(f"not an HTML page (Content-Type {mime})")
    text = decode_bytes(body, page.charset)
    fmt = "text" if mime == "text/plain" else "html"
    yield RawDoc(source=page.url, content=text, format=fmt, meta={"url": page.url}, raw=body)


def fetch_urls(
    urls: Iterable[str],
    store: Any | None = None,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int | None = None,
    private_hint: str = PRIVATE_HINT,
) -> Iterator[RawDoc | InputError]:
    """Download each URL; yield a raw document per page (or feed entry) and an error per failure.

    The raw bytes of every page go to ``store.put_raw`` when a store is given.
    """
    limit = max_bytes or max_bytes_limit()
    http_timeout = httpx.Timeout(timeout, connect=min(timeout, 10.0))
    # No keep-alive: every request opens a connection to the address that was just checked.
    with httpx.Client(timeout=http_timeout, follow_redirects=False, trust_env=False,
                      limits=httpx.Limits(max_keepalive_connections=0),
                      headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,*/*;q=0.5"}
                      ) as client:
        for url in urls:
            url = url.strip()
            try:
                page = fetch_page(client, url, allow_private=allow_private, timeout=timeout, max_bytes=limit,
                                  private_hint=private_hint)
                if store is not None:
                    store.put_raw(page.url, page.content, page.content_type)
                yield from _to_docs(page)
            except InputProblem as exc:
                yield InputError(source=url, reason=str(exc))


__all__ = ["FetchRefused", "Page", "check_url", "fetch_page", "fetch_urls", "resolve"]
