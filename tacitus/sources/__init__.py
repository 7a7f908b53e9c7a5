"""Readers: every form users feed Tacitus in, turned into `Article`s, bad input into `Reject`s.

`read_paths` is the one entry point for files, directories and `-` (standard input). Each file
goes to the reader for its format (`detect.py`); the reader pulls out fields; one `Finisher`
per call judges every document by the same rules and catches duplicates across all files.
A file that fails to read becomes a reject and the next file is read as usual. Readers hold
at most `Limits.max_document_bytes` of one document and `max_file_bytes` of a file they must
parse whole (`tacitus.limits`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from tacitus.limits import Limits
from tacitus.records import Article, Reject
from tacitus.sources.common import ColumnMapping, Draft, printable
from tacitus.sources.detect import READERS, STDIN_NAME, detect_format, read_stream, walk
from tacitus.sources.finish import Finisher

__all__ = ["ColumnMapping", "read_paths", "read_stdin"]


def read_paths(
    paths: Sequence[str | Path],
    *,
    mapping: ColumnMapping | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    language_check: bool = True,
    stdin: IO[bytes] | None = None,
    limits: Limits | None = None,
) -> Iterator[Article | Reject]:
    """Articles and rejects from files, directories (walked recursively, sorted) and `-`.

    `date_from`/`date_to` drop dated documents outside the window without a reject, since the
    user asked for that; undated ones are kept. `stdin` replaces the process's standard input
    for `-` (tests and embedding callers use it). `limits` default to `Limits.from_env()`.
    """
    finisher = Finisher(date_from=date_from, date_to=date_to, language_check=language_check)
    columns = mapping or ColumnMapping()
    bounds = limits or Limits.from_env()
    for given in paths:
        if str(given) == "-":
            stream = stdin or sys.stdin.buffer
            drafts = _guarded(STDIN_NAME, read_stream(stream, columns, bounds))
        else:
            drafts = _drafts_under(Path(given), columns, bounds)
        yield from _finish_all(drafts, finisher)


def read_stdin(
    stream: IO[bytes] | None = None,
    *,
    mapping: ColumnMapping | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    language_check: bool = True,
) -> Iterator[Article | Reject]:
    """Articles and rejects from standard input (or `stream`): JSON Lines or one text."""
    return read_paths(
        ["-"],
        mapping=mapping,
        date_from=date_from,
        date_to=date_to,
        language_check=language_check,
        stdin=stream,
    )


def _drafts_under(path: Path, mapping: ColumnMapping, limits: Limits) -> Iterator[Draft | Reject]:
    if path.is_dir():
        for file in walk(path):
            if isinstance(file, Reject):
                yield file
            else:
                yield from _drafts_of_file(file, mapping, limits)
    elif path.exists() or path.is_symlink():
        yield from _drafts_of_file(path, mapping, limits)
    else:
        yield Reject(str(path), "", "no such file or directory")


def _drafts_of_file(path: Path, mapping: ColumnMapping, limits: Limits) -> Iterator[Draft | Reject]:
    """Drafts from one file, or a reject when it cannot be read as one.

    Only regular files are opened: reading a named pipe or a device (`/dev/zero` linked into a
    corpus) would block or never end, and a broken link has nothing to read.
    """
    if not path.is_file():
        return iter([Reject(str(path), "", NOT_A_FILE)])

    def read() -> Iterator[Draft | Reject]:
        yield from READERS[detect_format(path)](path, mapping, limits)

    return _guarded(str(path), read())


NOT_A_FILE = "not a regular file (a pipe, socket, device or broken link): not read"


def _guarded(source: str, drafts: Iterator[Draft | Reject]) -> Iterator[Draft | Reject]:
    """Pass drafts on; if the reader fails, end this source with a reject, not an exception.

    The catch is deliberately broad: parsers of untrusted files (trafilatura, warcio, csv,
    gzip) fail in many ways, and whatever they raise must not cost the other files of the
    read. Everything yielded before the failure has already gone through.
    """
    try:
        yield from drafts
    except OSError as error:
        yield Reject(source, "", f"cannot read file: {error.strerror or error}")
    except Exception as error:
        yield Reject(source, "", f"unreadable: {type(error).__name__}: {error}")


def _finish_all(drafts: Iterable[Draft | Reject], finisher: Finisher) -> Iterator[Article | Reject]:
    for draft in drafts:
        if isinstance(draft, Reject):
            yield _storable(draft)
        elif (result := finisher.finish(draft)) is not None:
            yield _storable(result)


def _storable(item: Article | Reject) -> Article | Reject:
    """The item with every name and field as text that can be stored and printed: a file
    name's undecodable bytes as `\\xff` escapes, lone surrogates from JSON as U+FFFD."""
    if isinstance(item, Reject):
        return Reject(
            printable(item.file), printable(item.position), printable(item.reason),
            _printable(item.doc_id),
        )
    return dataclasses.replace(
        item,
        id=printable(item.id),
        url=_printable(item.url),
        outlet=_printable(item.outlet),
        title=_printable(item.title),
        source_file=_printable(item.source_file),
        position=_printable(item.position),
    )


def _printable(value: str | None) -> str | None:
    return None if value is None else printable(value)
