"""`tacitus serve`: the API and the dashboard over a store, on loopback unless told otherwise.

Why loud warnings: the API serves everything in the database and codes any text it is sent,
so binding it to a public interface is a decision, not a default. Anything but a loopback
address gets a warning on standard error, and a second one when no token guards the write
endpoints.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
TOKEN_ENV = "TACITUS_API_TOKEN"

_err = Console(stderr=True, highlight=False)


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"not a TCP port (1-65535): {value!r}")
    return port


def add_serve_parser(commands: Any) -> None:
    """Register `serve` on the `tacitus` sub-command parsers."""
    serve = commands.add_parser("serve", help="serve the REST API and the dashboard")
    serve.add_argument("--db", type=Path, default=Path("tacitus.duckdb"))
    serve.add_argument("--host", default=DEFAULT_HOST,
                       help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT)
    serve.add_argument("--token", default=os.environ.get(TOKEN_ENV),
                       help=f"bearer token required by non-GET endpoints (default: ${TOKEN_ENV};"
                       " prefer the variable, a command line is visible to other users)")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="allow browser pages from this origin (repeatable; default none)")
    serve.add_argument("--export-dir", type=Path, metavar="DIR",
                       help="enable POST /v1/export, writing only inside DIR (default: off)")


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warnings(host: str, token: str | None) -> list[str]:
    """What to shout before serving on `host`: nothing on loopback."""
    if is_loopback(host):
        return []
    warnings = [
        f"serving on {host}, not loopback: anyone who can reach this machine can read every"
        " event and article in the database"
    ]
    if not token:
        warnings.append(
            f"no token: anyone who can reach {host} can make this server code text and write"
            f" exports (every POST endpoint); set --token or ${TOKEN_ENV}"
        )
    return warnings


def run_serve(args: argparse.Namespace) -> int:
    """Start uvicorn with the app; returns when the server is stopped."""
    import uvicorn

    from tacitus.api import create_app

    for warning in exposure_warnings(args.host, args.token):
        _err.print(f"[bold red]WARNING[/] {escape(warning)}")
    if not args.db.exists():
        _err.print(f"[yellow]note[/] no database at {args.db} yet: read endpoints answer 503"
                   " until `tacitus ingest` creates it")
    app = create_app(args.db, token=args.token, cors_origins=args.cors_origin,
                     export_dir=args.export_dir)
    uvicorn.run(app, host=args.host, port=args.port, server_header=False)
    return 0
