"""`POST /v1/export`: write an export into the one folder the server was started with.

Why a fixed folder: a client names only the file, and `tacitus.export.confined` refuses any
name that would land outside the folder (`../x`, absolute paths, symlinks out), so the API
cannot be used to write anywhere else on the server. The answer gives the path relative to
that folder, never the server's own paths. The route exists only when `tacitus serve` is
given `--export-dir`, and like every non-GET route it needs the token when one is set.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException

from tacitus.api import models
from tacitus.api.db import RETRY_AFTER_SECONDS, DatabaseUnavailable
from tacitus.codebook import plover_types
from tacitus.export import ExportFilters, ExportPathError, export
from tacitus.store import SchemaError, StoreBusy


def _filters(request: models.ExportRequest) -> ExportFilters:
    """The exporters' filters, with a 422 naming the field for values they refuse."""
    if request.type is not None and request.type.upper() not in plover_types():
        raise HTTPException(422, f"body field 'type': unknown PLOVER type {request.type}")
    try:
        return ExportFilters(date_from=request.date_from, date_to=request.date_to,
                             country=request.country, plover_type=request.type,
                             cameo_prefix=request.cameo)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error


def export_router(db_path: Path, folder: Path, guard: Callable[..., None] | None) -> APIRouter:
    """The export route, writing only inside `folder`."""
    router = APIRouter(prefix="/v1", dependencies=[Depends(guard)] if guard else [],
                       responses={
                           401: {"model": models.ErrorBody, "description": "token missing"},
                           422: {"model": models.ErrorBody,
                                 "description": "invalid body or a name outside the folder"},
                           503: {"model": models.ErrorBody, "description": "database busy"},
                       })

    @router.post("/export", response_model=models.ExportDone, tags=["export"])
    def run_export(request: models.ExportRequest) -> models.ExportDone:
        """Export the store (GDELT, PLOVER JSONL, Parquet or CSV) into the export folder."""
        filters = _filters(request)
        try:
            result = export(db_path, request.format, folder, filters, name=request.name)
        except ExportPathError as error:
            raise HTTPException(422, f"body field 'name': {error}") from error
        except StoreBusy as error:
            raise DatabaseUnavailable(
                "the database is being written by an ingest; try again in a moment",
                retry_after=RETRY_AFTER_SECONDS) from error
        except (FileNotFoundError, SchemaError) as error:
            raise DatabaseUnavailable(f"cannot export: {error}") from error
        relative = result.path.relative_to(folder.resolve())
        return models.ExportDone(format=result.format, file=str(relative), rows=result.rows)

    return router
