"""WARC crawl archives: every HTML (or plain-text) page a crawler fetched becomes an article.

Records that are not pages -- requests, crawl metadata, images, scripts, redirects and error
pages -- carry no article and are passed over; they are the bulk of any crawl and rejecting
each one would bury the real rejects.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from tacitus.limits import Limits
from tacitus.records import Reject
from tacitus.sources.common import ColumnMapping, Draft, decode, read_capped, too_large
from tacitus.sources.html import html_draft

#: Media types of the pages that hold articles, and how their body is read.
PAGE_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}


def _page_kind(record: ArcWarcRecord) -> str | None:
    """How to read `record`, or `None` when it is not a successfully fetched page."""
    if record.rec_type == "response":
        headers = record.http_headers
        if headers is None or not (headers.get_statuscode() or "").startswith("2"):
            return None
        content_type = headers.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None
    return PAGE_TYPES.get(content_type.split(";", 1)[0].strip().lower())


def read_warc(path: Path, mapping: ColumnMapping, limits: Limits) -> Iterator[Draft | Reject]:
    """Read a `.warc` or `.warc.gz` file; position is each record's byte offset.

    A corrupt record ends the read of this file with a reject naming the last good record:
    WARC has no resynchronisation marker, but every page before it has already come through.
    """
    source = str(path)
    last_good = "the start"
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        pending = iter(records)
        while True:
            try:
                record = next(pending)
                kind = _page_kind(record)
                cap = limits.max_document_bytes
                body = read_capped(record.content_stream(), cap) if kind else b""
                offset = records.get_record_offset()
            except StopIteration:
                return
            except Exception as error:
                # warcio reports damage as ArchiveLoadFailed, but a mangled header can also
                # surface as AttributeError or ValueError from inside it; all mean "corrupt".
                reason = f"{type(error).__name__}: {error}"
                yield Reject(source, "", f"corrupt WARC after {last_good}: {reason}")
                return
            url = record.rec_headers.get_header("WARC-Target-URI")
            if body is None:
                yield Reject(source, str(offset), too_large(limits))
            elif kind == "html":
                yield html_draft(body, source, str(offset), url=url)
            elif kind == "text":
                yield Draft(source, str(offset), decode(body), url=url)
            last_good = f"the record at offset {offset}"
