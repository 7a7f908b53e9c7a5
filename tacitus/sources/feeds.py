"""RSS and Atom feed files: each entry becomes an article.

Feeds are XML from strangers, so the bytes go through `defusedxml` before feedparser sees
them: a billion-laughs bomb or an external entity (which could read local files) is refused
outright instead of being expanded.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree
import feedparser

from tacitus.limits import Limits
from tacitus.records import Reject
from tacitus.sources.common import (
    ColumnMapping,
    Draft,
    as_field,
    html_to_text,
    open_binary,
    read_capped,
    too_large,
)

#: Root elements of the feed dialects feedparser reads (RSS 2.0, Atom, RSS 1.0 as RDF).
FEED_ROOTS = frozenset({"rss", "feed", "RDF"})
#: Entry fields holding the publication date, most specific first.
DATE_FIELDS = ("published", "updated", "created")


def unsafe_or_not_feed(data: bytes) -> str | None:
    """Why these bytes must not be read as a feed, or `None` when they are safe to parse."""
    try:
        root = defusedxml.ElementTree.fromstring(data)
    except defusedxml.DefusedXmlException as error:
        return f"unsafe XML refused ({type(error).__name__})"
    except ParseError as error:
        return f"malformed XML: {error}"
    except LookupError as error:
        return f"malformed XML: {error}"
    local_name = root.tag.rsplit("}", 1)[-1]
    if local_name not in FEED_ROOTS:
        return f"XML root <{local_name}> is not an RSS or Atom feed"
    return None


def _entry_text(entry: Any) -> str:
    """The fullest body an entry offers (content over summary), as plain text."""
    parts = entry.get("content") or []
    if not parts and entry.get("summary"):
        parts = [{"value": entry["summary"], "type": entry.get("summary_detail", {}).get("type")}]
    texts = []
    for part in parts:
        value = str(part.get("value") or "")
        texts.append(value if part.get("type") == "text/plain" else html_to_text(value))
    return "\n".join(text for text in texts if text)


def _entry_date(entry: Any) -> object:
    for name in DATE_FIELDS:
        if entry.get(name):
            return entry[name]
    return None


def read_feed(path: Path, mapping: ColumnMapping, limits: Limits) -> Iterator[Draft | Reject]:
    """Read an `.rss`/`.atom`/`.xml` feed; position is the 1-based entry number.

    A feed is parsed whole, so it may hold at most `max_file_bytes`.
    """
    source = str(path)
    with open_binary(path) as stream:
        data = read_capped(stream, limits.max_file_bytes)
    if data is None:
        yield Reject(source, "", too_large(limits, "max_file_bytes"))
        return
    if problem := unsafe_or_not_feed(data):
        yield Reject(source, "", problem)
        return
    parsed = feedparser.parse(io.BytesIO(data))
    outlet = as_field(parsed.feed.get("title"))
    for number, entry in enumerate(parsed.entries, start=1):
        yield Draft(
            source_file=source,
            position=str(number),
            text=_entry_text(entry),
            id=as_field(entry.get("id")),
            date=_entry_date(entry),
            url=as_field(entry.get("link")),
            outlet=outlet,
            title=as_field(entry.get("title")),
        )
