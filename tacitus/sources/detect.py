"""Which reader a path needs: its extension when that is telling, a look at its bytes when not."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from tacitus.limits import Limits
from tacitus.records import Reject
from tacitus.sources.common import (
    ColumnMapping,
    Draft,
    bounded_lines,
    open_binary,
    read_capped,
    too_large,
)
from tacitus.sources.feeds import read_feed
from tacitus.sources.html import read_html
from tacitus.sources.jsonl import read_json, read_jsonl, read_lines
from tacitus.sources.tabular import read_csv, read_tsv
from tacitus.sources.text import read_text, text_draft
from tacitus.sources.warc import read_warc

Reader = Callable[[Path, ColumnMapping, Limits], Iterator[Draft | Reject]]

READERS: dict[str, Reader] = {
    "text": read_text,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "tsv": read_tsv,
    "html": read_html,
    "warc": read_warc,
    "feed": read_feed,
}

#: File extensions (before any `.gz`) and the format each one names.
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".warc": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
}

#: Bytes to look at when the extension says nothing.
SNIFF_BYTES = 4096
#: Markers in the first bytes of a file, most specific first; the first match decides.
SNIFF_MARKERS: tuple[tuple[bytes, str], ...] = (
    (b"<!doctype html", "html"),
    (b"<html", "html"),
    (b"<rss", "feed"),
    (b"<feed", "feed"),
    (b"<rdf:rdf", "feed"),
)

STDIN_NAME = "<stdin>"


def extension(path: Path) -> str:
    """The format-bearing suffix: `.warc` for `crawl.warc.gz`, `.txt` for `note.txt`."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def sniff(head: bytes) -> str:
    """The format of a file from its first bytes; plain text when nothing else fits."""
    if head.startswith(b"WARC/"):
        return "warc"
    stripped = head.lstrip()
    if stripped.startswith(b"{"):
        return "jsonl"
    if stripped.startswith(b"["):
        return "json"
    lowered = stripped.lower()
    for marker, kind in SNIFF_MARKERS:
        if marker in lowered:
            return kind
    return "text"


def detect_format(path: Path) -> str:
    """The format of `path`: by extension when known, otherwise by its content."""
    known = EXTENSIONS.get(extension(path))
    if known:
        return known
    with open_binary(path) as stream:
        return sniff(stream.read(SNIFF_BYTES))


def walk(root: Path) -> Iterator[Path | Reject]:
    """Files under `root`, depth first in sorted order, so every run reads the same sequence.

    Hidden files and directories (`.git`, `.DS_Store`) are tooling, not articles. Symbolic
    links to directories are not followed, so a link loop cannot trap the walk. A directory
    that cannot be listed is a reject (`os.walk` would skip it without a word).
    """
    unlisted: list[OSError] = []
    for directory, subdirectories, files in os.walk(root, onerror=unlisted.append):
        while unlisted:
            error = unlisted.pop(0)
            yield Reject(str(error.filename), "", f"cannot list directory: {error.strerror}")
        subdirectories[:] = sorted(name for name in subdirectories if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(directory) / name
    for error in unlisted:
        yield Reject(str(error.filename), "", f"cannot list directory: {error.strerror}")


def read_stream(
    stream: IO[bytes], mapping: ColumnMapping, limits: Limits
) -> Iterator[Draft | Reject]:
    """Drafts from standard input: JSON Lines if it opens with `{`, else one text document.

    Only the leading blank lines are held back to decide, so a long JSON Lines stream is
    read line by line like a file.
    """
    cap = limits.max_document_bytes
    lines = bounded_lines(stream, cap)
    held: list[bytes] = []
    for line in lines:
        held.append(line)
        if line.strip():
            break
    if b"".join(held).lstrip().startswith(b"{"):
        yield from read_lines(itertools.chain(held, lines), STDIN_NAME, mapping, limits)
        return
    head = b"".join(held)
    rest = read_capped(stream, cap - len(head)) if len(head) <= cap else None
    if rest is None:
        yield Reject(STDIN_NAME, "1", too_large(limits))
    else:
        yield text_draft(head + rest, STDIN_NAME, "stdin")
