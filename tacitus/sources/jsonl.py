"""JSON Lines (one document per line) and plain JSON files (one object or an array of them)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from tacitus.limits import Limits
from tacitus.records import Reject
from tacitus.sources.common import (
    ColumnMapping,
    Draft,
    binary_head,
    bounded_lines,
    decode,
    draft_from_row,
    line_too_long,
    open_binary,
    read_capped,
    too_large,
)

BINARY = "binary or non-UTF-8 content"


def _json_error(error: ValueError | RecursionError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at column {error.colno}"
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error)


def _draft(value: object, source: str, position: str, mapping: ColumnMapping) -> Draft | Reject:
    if not isinstance(value, dict):
        kind = type(value).__name__
        return Reject(source, position, f"JSON {kind} where a document object was expected")
    return draft_from_row(value, source, position, mapping)


def read_lines(
    lines: Iterable[bytes], source: str, mapping: ColumnMapping, limits: Limits
) -> Iterator[Draft | Reject]:
    """Drafts from JSON Lines; a broken line becomes a reject and the next line is read as usual.

    Position is the 1-based line number, so a user can open the file at the bad line. A
    truncated last line (a dump cut short) is just a broken line.
    """
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if line_too_long(raw, limits.max_document_bytes):
            yield Reject(source, str(number), too_large(limits))
            continue
        try:
            value = json.loads(decode(raw))
        except (ValueError, RecursionError) as error:
            yield Reject(
                source, str(number), f"invalid JSON on line {number}: {_json_error(error)}"
            )
            continue
        yield _draft(value, source, str(number), mapping)


def read_jsonl(path: Path, mapping: ColumnMapping, limits: Limits) -> Iterator[Draft | Reject]:
    """Read a `.jsonl`/`.ndjson` file (possibly gzipped) line by line, never whole."""
    with open_binary(path) as stream:
        if binary_head(stream):
            yield Reject(str(path), "", BINARY)
            return
        yield from read_lines(
            bounded_lines(stream, limits.max_document_bytes), str(path), mapping, limits
        )


def read_json(path: Path, mapping: ColumnMapping, limits: Limits) -> Iterator[Draft | Reject]:
    """Read a `.json` file: an array of documents, one document, or JSON Lines misnamed `.json`.

    Position is the 1-based array index for arrays and the line number for JSON Lines. The
    file is parsed whole, so it may hold at most `max_file_bytes` (its documents' lengths
    are then the coder's to judge).
    """
    source = str(path)
    with open_binary(path) as stream:
        binary = binary_head(stream)
        data = None if binary else read_capped(stream, limits.max_file_bytes)
    if binary or data is None:
        yield Reject(source, "", BINARY if binary else too_large(limits, "max_file_bytes"))
        return
    try:
        value = json.loads(decode(data))
    except (ValueError, RecursionError):
        yield from read_lines(data.splitlines(), source, mapping, limits)
        return
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items, start=1):
        yield _draft(item, source, str(index), mapping)
