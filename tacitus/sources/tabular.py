"""CSV and TSV dumps: one document per row, columns named by a `ColumnMapping`.

Rows are parsed strictly: a quote must close before the next delimiter or line end. A lenient
parser reads a stray or unclosed quote as the start of a field that runs on over the
following lines, silently swallowing the rows there into one wrong document. Strictly, the
broken row fails; it becomes a reject and reading starts again on the line after the one it
began on, so the rows it had swallowed come through as themselves.

A row over the size limit is different: its quoted field is long, not broken, so reading
goes on after the line where that field's quote closes (its lines are not held meanwhile).
If it never closes, the rest of the file was that field, and the one reject covers it.
"""

from __future__ import annotations

import csv
import itertools
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from tacitus.limits import Limits
from tacitus.records import Reject
from tacitus.sources.common import (
    ColumnMapping,
    Draft,
    binary_head,
    bounded_lines,
    draft_from_row,
    line_too_long,
    open_binary,
    too_large,
)

#: Delimiters a `.csv` dump may really use; the header line decides between them.
CSV_DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(header: str) -> str:
    """The candidate delimiter that occurs most often in the header (comma on a tie)."""
    return max(CSV_DELIMITERS, key=header.count)


class _Lines:
    """A dump's lines for the csv module, numbered, keeping the lines of the row being read
    so that after a malformed row reading can start again on its second line."""

    def __init__(self, lines: Iterator[bytes], limit: int) -> None:
        self.source = lines
        self.limit = limit
        self.read = 0
        self.again: deque[tuple[int, bytes]] = deque()
        self.taken: list[tuple[int, bytes]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.again:
            item = self.again.popleft()
        else:
            raw = next(self.source)
            if self.read == 0:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            self.read += 1
            item = (self.read, raw)
        self.taken.append(item)
        return item[1].decode("utf-8", "replace")

    def start_row(self) -> None:
        self.taken = []

    @property
    def row_start(self) -> int:
        """The line on which the row just read began."""
        return self.taken[0][0] if self.taken else self.read

    @property
    def row_too_long(self) -> bool:
        return any(line_too_long(raw, self.limit) for _, raw in self.taken)

    def retry_after_first(self) -> None:
        """Read the lines of the row just read again, all but its first."""
        self.again.extendleft(reversed(self.taken[1:]))
        self.taken = []

    def skip_rest_of_row(self) -> None:
        """Pass over the lines that finish the row just read: up to the line ending with its
        quotes balanced (in strict CSV a quote inside a field is doubled, so an odd count
        means a quoted field is still open)."""
        quotes = sum(raw.count(b'"') for _, raw in self.taken)
        self.taken = []
        while quotes % 2:
            try:
                quotes += next(self).encode().count(b'"')
            except StopIteration:
                break
            self.taken = []


def _rows(
    lines: _Lines, delimiter: str, source: str, limits: Limits
) -> Iterator[tuple[int, list[str]] | Reject]:
    """Each row with the line it starts on, or a reject for a malformed or over-long one."""
    rows = csv.reader(lines, delimiter=delimiter, strict=True)
    while True:
        lines.start_row()
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            start = lines.row_start
            if lines.row_too_long or str(error).startswith("field larger than"):
                lines.skip_rest_of_row()
                yield Reject(source, str(start), too_large(limits))
            else:
                lines.retry_after_first()
                yield Reject(source, str(start), f"malformed row: {error}")
            continue
        if lines.row_too_long:
            yield Reject(source, str(lines.row_start), too_large(limits))
        else:
            yield lines.row_start, row


def _read_table(
    path: Path, mapping: ColumnMapping, limits: Limits, delimiter: str | None
) -> Iterator[Draft | Reject]:
    """Rows as drafts; position is the line on which a row starts (the header is line 1).

    A malformed, misaligned or over-long row is rejected and reading goes on with the next
    one: one stray quote should not cost the rest of a dump.
    """
    source = str(path)
    # The csv module's field limit is process-wide; a field over the document limit fails.
    csv.field_size_limit(limits.max_document_bytes)
    with open_binary(path) as raw:
        if binary_head(raw):
            yield Reject(source, "", "binary or non-UTF-8 content")
            return
        raw_lines = bounded_lines(raw, limits.max_document_bytes)
        first = next(raw_lines, b"")
        header_line = first.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
        if not header_line.strip():
            yield Reject(source, "1", "no header line")
            return
        lines = _Lines(itertools.chain([first], raw_lines), limits.max_document_bytes)
        rows = _rows(lines, delimiter or sniff_delimiter(header_line), source, limits)
        header_row = next(rows)
        if isinstance(header_row, Reject):
            problem = header_row.reason.removeprefix("malformed row: ")
            yield Reject(source, "1", f"malformed header: {problem}")
            return
        header = [name.strip() for name in header_row[1]]
        if not set(header) & set(mapping.names("text")):
            looked = ", ".join(mapping.names("text"))
            yield Reject(source, "1", f"no text column (looked for: {looked}; header: {header})")
            return
        for item in rows:
            if isinstance(item, Reject):
                yield item
                continue
            start, row = item
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield Reject(source, str(start), f"row has {len(row)} fields, header has"
                             f" {len(header)}")
                continue
            yield draft_from_row(dict(zip(header, row, strict=True)), source, str(start), mapping)


def read_csv(path: Path, mapping: ColumnMapping, limits: Limits) -> Iterator[Draft | Reject]:
    """Read a `.csv` dump, its delimiter sniffed from the header line."""
    return _read_table(path, mapping, limits, None)


def read_tsv(path: Path, mapping: ColumnMapping, limits: Limits) -> Iterator[Draft | Reject]:
    """Read a tab-separated dump."""
    return _read_table(path, mapping, limits, "\t")
