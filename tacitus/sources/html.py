"""HTML pages: main text and metadata through trafilatura, boilerplate left behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import trafilatura

from tacitus.limits import Limits
from tacitus.records import Reject
from tacitus.sources.common import (
    ColumnMapping,
    Draft,
    doc_stem,
    open_binary,
    read_capped,
    too_large,
)


def html_draft(
    data: bytes,
    source: str,
    position: str,
    *,
    url: str | None = None,
    fallback_id: str | None = None,
) -> Draft | Reject:
    """A draft from one HTML page.

    `url` (from a crawl record) outranks the page's own canonical link, because it says where
    the page was really fetched. `fallback_id` names a page that declares no URL at all.
    Comments are left out: readers' comments are not the outlet's reporting.
    """
    if b"\x00" in data:
        return Reject(source, position, "binary or non-UTF-8 content")
    document = trafilatura.bare_extraction(
        data, url=url, with_metadata=True, include_comments=False, deduplicate=False
    )
    if document is None or isinstance(document, dict) or not (document.text or "").strip():
        return Reject(source, position, "no main text found in HTML")
    page_url = url or document.url
    return Draft(
        source_file=source,
        position=position,
        text=document.text or "",
        id=None if page_url else fallback_id,
        date=document.date,
        url=page_url,
        outlet=document.sitename or document.hostname,
        title=document.title,
    )


def read_html(path: Path, mapping: ColumnMapping, limits: Limits) -> Iterator[Draft | Reject]:
    """Read one `.html`/`.htm` page as one document (id: its URL if it has one, else the stem)."""
    with open_binary(path) as stream:
        data = read_capped(stream, limits.max_document_bytes)
    if data is None:
        yield Reject(str(path), "1", too_large(limits))
    else:
        yield html_draft(data, str(path), "1", fallback_id=doc_stem(path))
