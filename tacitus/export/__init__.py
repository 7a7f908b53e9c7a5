"""Exports: GDELT 2.0 event files, PLOVER (POLECAT-style) JSON Lines, Parquet and flat CSV."""

from tacitus.export.exporter import (
    DEFAULT_NAMES,
    FORMATS,
    ExportFormat,
    ExportPathError,
    ExportResult,
    export,
)
from tacitus.export.filters import ExportFilters
from tacitus.export.gdelt import GDELT_COLUMNS

__all__ = [
    "DEFAULT_NAMES",
    "FORMATS",
    "GDELT_COLUMNS",
    "ExportFilters",
    "ExportFormat",
    "ExportPathError",
    "ExportResult",
    "export",
]
