"""Judging drafts: the one place that decides whether a document becomes an `Article`.

Every reader hands its drafts to a `Finisher`, which applies the same checks in the same order
to all formats: binary content, empty text, bad date, date window, language, duplicates. One
`Finisher` lives for one read, so duplicates are caught across all the files of that read.
"""

from __future__ import annotations

import datetime as dt
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


@dataclass
class Finisher:
    """Turns drafts into articles or rejects, remembering what it has seen during one read."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    language_check: bool = True
    _ids: dict[str, str] = field(default_factory=dict)
    _urls: dict[str, str] = field(default_factory=dict)
    _hashes: dict[str, str] = field(default_factory=dict)

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
        if url and url in self._urls:
            return f"duplicate of {self._urls[url]} (same URL)"
        if digest in self._hashes:
            return f"duplicate of {self._hashes[digest]} (same text)"
        if doc_id in self._ids:
            return f"duplicate id {doc_id} (first used at {self._ids[doc_id]})"
        return None

    def _remember(self, doc_id: str, url: str | None, digest: str, where: str) -> None:
        self._ids[doc_id] = where
        self._hashes[digest] = doc_id
        if url:
            self._urls[url] = doc_id
