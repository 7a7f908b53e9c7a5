"""CSV and TSV dumps: one document per row, columns named by a `ColumnMapping`."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from pathlib import Path

from tacitus.records import Reject
from tacitus.sources.common import ColumnMapping, Draft, draft_from_row, open_binary

#: Delimiters a `.csv` dump may really use; the header line decides between them.
CSV_DELIMITERS = (",", ";", "\t", "|")
#: Article bodies routinely exceed the csv module's 128 KiB default field limit.
FIELD_SIZE_LIMIT = 2**31 - 1


def sniff_delimiter(header: str) -> str:
    """The candidate delimiter that occurs most often in the header (comma on a tie)."""
    return max(CSV_DELIMITERS, key=header.count)


def _read_table(
    path: Path, mapping: ColumnMapping, delimiter: str | None
) -> Iterator[Draft | Reject]:
    """Rows as drafts; position is the line on which a row starts (the header is line 1).

    A malformed or misaligned row is rejected and reading goes on with the next one: one
    stray quote should not cost the rest of a dump.
    """
    source = str(path)
    if csv.field_size_limit() < FIELD_SIZE_LIMIT:
        csv.field_size_limit(FIELD_SIZE_LIMIT)
    with open_binary(path) as raw:
        stream = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        first = stream.readline()
        if not first.strip():
            yield Reject(source, "1", "no header line")
            return
        delimiter = delimiter or sniff_delimiter(first)
        rows = csv.reader(itertools.chain([first], stream), delimiter=delimiter)
        try:
            header = [name.strip() for name in next(rows)]
        except csv.Error as error:
            yield Reject(source, "1", f"malformed header: {error}")
            return
        if not set(header) & set(mapping.names("text")):
            looked = ", ".join(mapping.names("text"))
            yield Reject(source, "1", f"no text column (looked for: {looked}; header: {header})")
            return
        while True:
            start = rows.line_num + 1
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as error:
                yield Reject(source, str(start), f"malformed row: {error}")
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                reason = f"row has {len(row)} fields, header has {len(header)}"
                yield Reject(source, str(start), reason)
                continue
            yield draft_from_row(dict(zip(header, row, strict=True)), source, str(start), mapping)


def read_csv(path: Path, mapping: ColumnMapping) -> Iterator[Draft | Reject]:
    """Read a `.csv` dump, its delimiter sniffed from the header line."""
    return _read_table(path, mapping, None)


def read_tsv(path: Path, mapping: ColumnMapping) -> Iterator[Draft | Reject]:
    """Read a tab-separated dump."""
    return _read_table(path, mapping, "\t")
