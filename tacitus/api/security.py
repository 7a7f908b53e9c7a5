"""The API's guards: a body size limit, an optional bearer token, and errors as plain JSON.

Why each: a body is read into memory before it is validated, so its size is capped before
anything reads it (a declared Content-Length is refused at once, and the bytes actually sent
are counted too, since chunked uploads declare none). Writes (every method but GET/HEAD) can
be reserved to holders of a token when the server is exposed. And every error is
`{"error": ..., "detail": ...}` with no traceback, so a client always gets a message it can
act on and an attacker learns nothing about the code.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tacitus.api.db import DatabaseUnavailable

#: Default cap on a request body: far above any article `POST /v1/code` accepts as JSON.
DEFAULT_MAX_BODY_BYTES = 1_048_576

_log = logging.getLogger("tacitus.api")
#: The bearer scheme, module-level so the guard's annotation resolves (and /docs shows it).
_BEARER = HTTPBearer(auto_error=False, description="the token given to `tacitus serve`")

#: How a validation error's location is named in messages, by its first element.
_LOCATION_NAMES: dict[str, str] = {
    "query": "query parameter",
    "path": "path parameter",
    "body": "body field",
    "header": "header",
}


def error_response(status: int, detail: str, headers: dict[str, str] | None = None
                   ) -> JSONResponse:
    """The one error shape: the status's name and a sentence saying what was wrong."""
    try:
        name = HTTPStatus(status).phrase.lower()
    except ValueError:
        name = "error"
    return JSONResponse({"error": name, "detail": detail}, status_code=status, headers=headers)


class BodySizeLimit:
    """ASGI middleware refusing bodies over `max_bytes` with 413 before the app reads them.

    The body is read here (at most `max_bytes` of it) and replayed to the app, so an upload
    without Content-Length, or one that lies about it, is stopped as soon as it goes over.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self._declared_problem(scope)
        if problem is not None:
            await problem(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            body.extend(message.get("body", b""))
            more = bool(message.get("more_body", False))
            if len(body) > self.max_bytes:
                await self._too_large()(scope, receive, send)
                return
        await self.app(scope, _replay(bytes(body), receive), send)

    def _declared_problem(self, scope: Scope) -> JSONResponse | None:
        """A response refusing the request from its Content-Length alone, if it must be."""
        for name, value in scope.get("headers", []):
            if name != b"content-length":
                continue
            try:
                declared = int(value)
            except ValueError:
                return error_response(400, "Content-Length is not a number")
            if declared > self.max_bytes:
                return self._too_large()
        return None

    def _too_large(self) -> JSONResponse:
        return error_response(
            413, f"request body larger than the server's limit of {self.max_bytes} bytes"
        )


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` giving the already-read body once, then whatever the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def token_guard(token: str) -> Callable[..., None]:
    """A dependency that lets a request through only with `Authorization: Bearer <token>`.

    It is attached to the routes that change or cost something (every non-GET route); the
    comparison takes the same time whatever the guess, so the token cannot be found by timing.
    """
    expected = token.encode("utf-8")

    def guard(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)],
    ) -> None:
        given = credentials.credentials.encode("utf-8") if credentials else b""
        if not hmac.compare_digest(given, expected):
            raise HTTPException(
                status_code=401,
                detail="this endpoint needs the header 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return guard


def _describe(error: dict[str, Any]) -> str:
    """One validation error as `query parameter 'limit': Input should be ...`."""
    loc = [str(part) for part in error.get("loc", ())]
    where = _LOCATION_NAMES.get(loc[0], loc[0]) if loc else "request"
    field = ".".join(loc[1:])
    message = str(error.get("msg", "invalid value"))
    return f"{where} '{field}': {message}" if field else f"{where}: {message}"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = "; ".join(_describe(error) for error in errors) or "invalid request"
    return error_response(422, detail)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, StarletteHTTPException):
        return await _server_error(request, exc)
    return error_response(exc.status_code, str(exc.detail), dict(exc.headers or {}))


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    retry = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(retry)} if retry is not None else None
    return error_response(503, str(exc), headers)


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    """Log the failure with its traceback on the server; tell the client only that it failed."""
    _log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(500, "the server failed on this request; the details are in its log")


def install_error_handlers(app: FastAPI) -> None:
    """Make every error, including unexpected ones, a JSON `{"error", "detail"}` body."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DatabaseUnavailable, _unavailable)
    app.add_exception_handler(Exception, _server_error)
