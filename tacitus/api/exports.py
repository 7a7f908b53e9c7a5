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
from tacitus.api.routes import WRITE_ERRORS
from tacitus.codebook import plover_types
from tacitus.export import DEFAULT_NAMES, ExportFilters, ExportPathError, export
from tacitus.export.exporter import confined
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


#: The formats that write a folder (partitioned Parquet); the others write one file.
_FOLDER_FORMATS = frozenset({"parquet"})


def _target(folder: Path, fmt: str, name: str | None) -> Path:
    """Where the export will write, refused (422) outside `folder` and (409) when something
    of the other kind is in the way: a file where a folder must be, or the reverse."""
    wanted = name or DEFAULT_NAMES[fmt]
    try:
        target = confined(folder, wanted)
    except ExportPathError as error:
        raise HTTPException(422, f"body field 'name': {error}") from error
    base = folder.resolve()
    blocking = [p for p in target.parents if p.is_relative_to(base) and p.is_file()]
    wrong_kind = target.is_file() if fmt in _FOLDER_FORMATS else target.is_dir()
    if blocking or wrong_kind:
        raise HTTPException(
            409, f"cannot write {wanted!r}: a file or folder of the other kind is in the way;"
            " choose another name")
    return target


def export_router(db_path: Path, folder: Path, guard: Callable[..., None] | None) -> APIRouter:
    """The export route, writing only inside `folder`."""
    router = APIRouter(prefix="/v1", dependencies=[Depends(guard)] if guard else [],
                       responses={
                           **WRITE_ERRORS,
                           409: {"model": models.ErrorBody,
                                 "description": "a file or folder of the other kind is in the way"},
                           422: {"model": models.ErrorBody,
                                 "description": "invalid body or a name outside the folder"},
                           503: {"model": models.ErrorBody, "description": "database busy"},
                       })

    @router.post("/export", response_model=models.ExportDone, tags=["export"])
    def run_export(request: models.ExportRequest) -> models.ExportDone:
        """Export the store (GDELT, PLOVER JSONL, Parquet or CSV) into the export folder."""
        filters = _filters(request)
        _target(folder, request.format, request.name)
        try:
            result = export(db_path, request.format, folder, filters, name=request.name)
        except StoreBusy as error:
            raise DatabaseUnavailable(
                "the database is being written by an ingest; try again in a moment",
                retry_after=RETRY_AFTER_SECONDS) from error
        except (FileNotFoundError, SchemaError) as error:
            raise DatabaseUnavailable(f"cannot export: {error}") from error
        relative = result.path.relative_to(folder.resolve())
        return models.ExportDone(format=result.format, file=str(relative), rows=result.rows)

    return router
