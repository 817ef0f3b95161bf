"""Store locations that are URLs: naming them in messages without their password."""

from __future__ import annotations

import re

_PASSWORD_PARAM = re.compile(r"(?i)([?&])password=[^&#]*&?")


def redact_url(url: str) -> str:
    """The URL without its password, whether in the user part (``user:secret@``) or a ``password=`` parameter.

    Plain string work, so a malformed URL is redacted too."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    end = len(rest)
    for ch in "/?#":
        i = rest.find(ch)
        if i != -1:
            end = min(end, i)
    netloc, tail = rest[:end], rest[end:]
    if "@" in netloc:
        userinfo, hosts = netloc.rsplit("@", 1)
        netloc = userinfo.split(":", 1)[0] + "@" + hosts
    tail = _PASSWORD_PARAM.sub(lambda m: m.group(1), tail)
    tail = re.sub(r"[?&]+(#|$)", r"\1", tail)
    return f"{scheme}://{netloc}{tail}"
