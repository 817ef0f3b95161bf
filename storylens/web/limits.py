"""A cap on request bodies, checked before a byte past it is read.

Starlette spools a multipart upload to disk before the endpoint sees it, so the per-file
check in the ingest endpoint alone would let a client write any amount there first.
``BodyCap`` refuses a body whose declared ``Content-Length`` is over the cap at the first
read, and a streamed (chunked) body as soon as what arrived passes it, with a 413 naming the
limit and its setting; the app's HTTP error handler renders it (JSON under /api, a page else).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UPLOAD_LIMIT_SETTING = "STORYLENS_MAX_UPLOAD_BYTES"


def _mib(n: int) -> str:
    return f"{n / 1048576:.0f} MiB" if n >= 1048576 else f"{n} bytes"


def too_large_detail(limit: int, declared: int | None) -> str:
    size = f" ({_mib(declared)})" if declared is not None else ""
    return f"the request{size} is over the {_mib(limit)} upload limit ({UPLOAD_LIMIT_SETTING})"


class BodyCap:
    """ASGI middleware: a request body over ``limit`` bytes gets 413, read no further than the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared: int | None = None
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = None
                break
        limit = self.limit
        seen = 0

        async def capped_receive() -> Message:
            nonlocal seen
            if declared is not None and declared > limit:
                raise HTTPException(status_code=413, detail=too_large_detail(limit, declared))
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(status_code=413, detail=too_large_detail(limit, None))
            return message

        await self.app(scope, capped_receive, send)


__all__ = ["BodyCap", "UPLOAD_LIMIT_SETTING", "too_large_detail"]
