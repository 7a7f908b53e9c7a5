"""Readers: every form users feed Tacitus in, turned into `Article`s, bad input into `Reject`s.

`read_paths` is the one entry point for files, directories and `-` (standard input). Each file
goes to the reader for its format (`detect.py`); the reader pulls out fields; one `Finisher`
per call judges every document by the same rules and catches duplicates across all files.
A file that fails to read becomes a reject and the next file is read as usual.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from tacitus.records import Article, Reject
from tacitus.sources.common import ColumnMapping, Draft
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
) -> Iterator[Article | Reject]:
    """Articles and rejects from files, directories (walked recursively, sorted) and `-`.

    `date_from`/`date_to` drop dated documents outside the window without a reject, since the
    user asked for that; undated ones are kept. `stdin` replaces the process's standard input
    for `-` (tests and embedding callers use it).
    """
    finisher = Finisher(date_from=date_from, date_to=date_to, language_check=language_check)
    columns = mapping or ColumnMapping()
    for given in paths:
        if str(given) == "-":
            drafts = _guarded(STDIN_NAME, read_stream(stdin or sys.stdin.buffer, columns))
        else:
            drafts = _drafts_under(Path(given), columns)
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


def _drafts_under(path: Path, mapping: ColumnMapping) -> Iterator[Draft | Reject]:
    if path.is_dir():
        for file in walk(path):
            yield from _drafts_of_file(file, mapping)
    elif path.exists():
        yield from _drafts_of_file(path, mapping)
    else:
        yield Reject(str(path), "", "no such file or directory")


def _drafts_of_file(path: Path, mapping: ColumnMapping) -> Iterator[Draft | Reject]:
    def read() -> Iterator[Draft | Reject]:
        yield from READERS[detect_format(path)](path, mapping)

    return _guarded(str(path), read())


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
            yield draft
        elif (result := finisher.finish(draft)) is not None:
            yield result
