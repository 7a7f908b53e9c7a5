"""Judging drafts: the one place that decides whether a document becomes an `Article`.

Every reader hands its drafts to a `Finisher`, which applies the same checks in the same order
to all formats: binary content, empty text, bad date, date window, language, duplicates. One
`Finisher` lives for one read, so duplicates are caught across all the files of that read.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field

from tacitus.records import Article, Reject
from tacitus.sources.common import (
    DateError,
    Draft,
    clean_text,
    looks_binary,
    parse_date,
    scrub,
    text_hash,
)
from tacitus.sources.language import detect_language


def _canonical_url(url: str) -> str:
    """The URL as compared for duplicates: an in-page `#fragment` is the same document."""
    return url.split("#", 1)[0].strip()


class SeenDocuments:
    """The ids, URLs and text hashes met so far in one read, and which document had each.

    Catching a duplicate means remembering every document read, and a corpus can hold
    millions: kept in Python dicts, that memory grew with the corpus (about 6 MiB per 36,000
    documents). They are kept in SQLite's private temporary database instead, which holds a
    couple of MiB of pages in memory, spills the rest to a file nobody else can open, and
    deletes it when the read ends.
    """

    def __init__(self) -> None:
        # An empty name is SQLite's private temporary database (on disk once it is large).
        self._db = sqlite3.connect("", isolation_level=None)
        # Bytes, not text: an id taken from an undecodable file name holds lone surrogates,
        # which SQLite's text cannot, and which are cleaned only later, when stored.
        self._db.execute(
            "CREATE TABLE seen (kind TEXT, key BLOB, doc_id BLOB, place BLOB,"
            " PRIMARY KEY (kind, key)) WITHOUT ROWID"
        )
        # One transaction for the whole read: nothing here needs to survive it.
        self._db.execute("BEGIN")

    def first(self, kind: str, key: str) -> tuple[str, str] | None:
        """The (doc_id, place) of the first document with this `kind` of `key`, if any."""
        row = self._db.execute(
            "SELECT doc_id, place FROM seen WHERE kind = ? AND key = ?", (kind, _bytes(key))
        ).fetchone()
        return (_text(row[0]), _text(row[1])) if row else None

    def add(self, kind: str, key: str, doc_id: str, place: str) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?)",
            (kind, _bytes(key), _bytes(doc_id), _bytes(place)),
        )


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


@dataclass
class Finisher:
    """Turns drafts into articles or rejects, remembering what it has seen during one read."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    language_check: bool = True
    _seen: SeenDocuments = field(default_factory=SeenDocuments)

    def finish(self, draft: Draft) -> Article | Reject | None:
        """The article for `draft`, a reject saying why not, or `None` if outside the date window.

        The date window drops silently because the user asked for it; every other refusal is
        a reject so that nothing is lost without a trace.
        """

        def reject(reason: str, doc_id: str | None = draft.id) -> Reject:
            return Reject(draft.source_file, draft.position, reason, doc_id)

        if looks_binary(scrub(draft.text)):
            return reject("binary or non-UTF-8 content")
        text = clean_text(scrub(draft.text))
        if not text:
            return reject("empty text")
        try:
            published = parse_date(draft.date)
        except DateError as error:
            return reject(str(error))
        if not self._in_window(published):
            return None
        if self.language_check and (language := detect_language(text)):
            return reject(f"not English (detected: {language})")
        url = _canonical_url(draft.url) if draft.url else None
        digest = text_hash(text)
        doc_id = draft.id or url or digest
        if duplicate := self._duplicate_of(doc_id, url, digest):
            return reject(duplicate, doc_id)
        self._remember(doc_id, url, digest, f"{draft.source_file}:{draft.position}")
        return Article(
            id=doc_id,
            text=text,
            published=published,
            url=url,
            outlet=draft.outlet,
            title=clean_text(draft.title) if draft.title else None,
            source_file=draft.source_file,
            position=draft.position,
        )

    def _in_window(self, published: dt.date | None) -> bool:
        """Undated documents stay: the event dater may still find a date in their text."""
        if published is None:
            return True
        if self.date_from and published < self.date_from:
            return False
        return not (self.date_to and published > self.date_to)

    def _duplicate_of(self, doc_id: str, url: str | None, digest: str) -> str | None:
        if url and (first := self._seen.first("url", url)):
            return f"duplicate of {first[0]} (same URL)"
        if first := self._seen.first("text", digest):
            return f"duplicate of {first[0]} (same text)"
        if first := self._seen.first("id", doc_id):
            return f"duplicate id {doc_id} (first used at {first[1]})"
        return None

    def _remember(self, doc_id: str, url: str | None, digest: str, where: str) -> None:
        self._seen.add("id", doc_id, doc_id, where)
        self._seen.add("text", digest, doc_id, where)
        if url:
            self._seen.add("url", url, doc_id, where)
