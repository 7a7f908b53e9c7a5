"""`create_app`: the Tacitus API and the dashboard's static files, on one FastAPI app.

Safe defaults, because analysts start this on laptops: no CORS unless origins are named, no
write endpoint open to anyone once a token is set, bodies capped, every error JSON. Binding to
loopback is the CLI's business (`tacitus serve`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

import tacitus
from tacitus.api.db import ReadOnlyDatabase
from tacitus.api.exports import export_router
from tacitus.api.routes import LazyCoder, code_router, read_router
from tacitus.api.security import (
    DEFAULT_MAX_BODY_BYTES,
    BodySizeLimit,
    install_error_handlers,
    token_guard,
)
from tacitus.ingest import CoderLike, default_coder_factory

#: Where the dashboard's files are (tacitus/web/static); served only if the folder exists.
DEFAULT_STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"

DESCRIPTION = """Political event data from the Tacitus store: deduplicated events with their
mentions, timelines, actors, dyads, places and articles with event spans, plus coding of a
text on demand. Read endpoints open the database read-only. See docs/api.md."""


def create_app(
    db_path: str | Path,
    *,
    token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    cors_origins: Sequence[str] = (),
    coder_factory: Callable[[], CoderLike] = default_coder_factory,
    static_dir: Path | None = DEFAULT_STATIC_DIR,
    export_dir: Path | None = None,
) -> FastAPI:
    """The app serving the store at `db_path`; `token` guards every non-GET endpoint;
    `POST /v1/export` exists only with an `export_dir` to write into."""
    # No redirects between "/x" and "/x/": an id that decodes to "/" would otherwise be
    # redirected to the list it belongs to and answer 200 instead of 404.
    app = FastAPI(
        title="Tacitus API",
        version=tacitus.__version__,
        description=DESCRIPTION,
        redirect_slashes=False,
    )
    install_error_handlers(app)
    app.include_router(read_router(ReadOnlyDatabase(Path(db_path))))
    guard = token_guard(token) if token else None
    app.include_router(code_router(LazyCoder(coder_factory), guard))
    if export_dir is not None:
        app.include_router(export_router(Path(db_path), Path(export_dir), guard))
    if static_dir is not None and (static_dir / "index.html").is_file():
        _mount_dashboard(app, static_dir)
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    return app


def _mount_dashboard(app: FastAPI, folder: Path) -> None:
    """`/` is the dashboard's index.html and `/static/...` its scripts and vendored libraries."""
    index = folder / "index.html"

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(index)

    app.mount("/static", StaticFiles(directory=folder), name="static")
