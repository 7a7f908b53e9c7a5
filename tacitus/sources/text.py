"""Plain text files: the whole file is one article, named by the file's stem."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tacitus.limits import Limits
from tacitus.records import Reject
from tacitus.sources.common import (
    ColumnMapping,
    Draft,
    decode,
    doc_stem,
    open_binary,
    read_capped,
    too_large,
)


def text_draft(data: bytes, source: str, doc_id: str) -> Draft:
    """One document from raw bytes; `Finisher` judges whether the bytes were really text."""
    return Draft(source_file=source, position="1", text=decode(data), id=doc_id)


def read_text(path: Path, mapping: ColumnMapping, limits: Limits) -> Iterator[Draft | Reject]:
    """Read a `.txt` file (possibly gzipped) as one document whose id is the file stem."""
    with open_binary(path) as stream:
        data = read_capped(stream, limits.max_document_bytes)
    if data is None:
        yield Reject(str(path), "1", too_large(limits))
    else:
        yield text_draft(data, str(path), doc_stem(path))
