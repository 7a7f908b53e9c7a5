"""JSON Lines (one document per line) and plain JSON files (one object or an array of them)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from tacitus.records import Reject
from tacitus.sources.common import ColumnMapping, Draft, decode, draft_from_row, open_binary


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
    lines: Iterable[bytes], source: str, mapping: ColumnMapping
) -> Iterator[Draft | Reject]:
    """Drafts from JSON Lines; a broken line becomes a reject and the next line is read as usual.

    Position is the 1-based line number, so a user can open the file at the bad line.
    """
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(decode(raw))
        except (ValueError, RecursionError) as error:
            yield Reject(
                source, str(number), f"invalid JSON on line {number}: {_json_error(error)}"
            )
            continue
        yield _draft(value, source, str(number), mapping)


def read_jsonl(path: Path, mapping: ColumnMapping) -> Iterator[Draft | Reject]:
    """Read a `.jsonl`/`.ndjson` file (possibly gzipped) line by line, never whole."""
    with open_binary(path) as stream:
        yield from read_lines(stream, str(path), mapping)


def read_json(path: Path, mapping: ColumnMapping) -> Iterator[Draft | Reject]:
    """Read a `.json` file: an array of documents, one document, or JSON Lines misnamed `.json`.

    Position is the 1-based array index for arrays and the line number for JSON Lines.
    """
    with open_binary(path) as stream:
        data = stream.read()
    source = str(path)
    try:
        value = json.loads(decode(data))
    except (ValueError, RecursionError):
        yield from read_lines(data.splitlines(), source, mapping)
        return
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items, start=1):
        yield _draft(item, source, str(index), mapping)
