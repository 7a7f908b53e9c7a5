"""What must hold for anything a reader or the coder gives back, whatever the input was.

The property tests and the fuzz campaign both judge outcomes with these, so a "crash" means
the same in both: an exception, or a result that would break a later stage (text that cannot
be stored, an offset outside its text, an event dated by an absurd date).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from tacitus.records import Article, EventRecord, Reject

#: Years an event may be dated in (the coder's own range for dates written in the text).
EVENT_YEARS = range(1800, 2200)


def _storable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def article_problems(article: Article) -> list[str]:
    """Why this article would break a later stage (empty list: none)."""
    problems = []
    fields = (article.id, article.text, article.url, article.outlet, article.title,
              article.source_file, article.position)
    if not all(_storable(value) for value in fields if value is not None):
        problems.append("a field cannot be encoded as UTF-8")
    if not article.text.strip():
        problems.append("empty text")
    hidden = {char for char in article.text if unicodedata.category(char) == "Cf"
              or (unicodedata.category(char) == "Cc" and char not in "\t\n\f\v")}
    if hidden:
        problems.append(f"invisible or control characters left: {sorted(hidden)!r}")
    return problems


def reject_problems(reject: Reject) -> list[str]:
    """Why this reject could not be stored or would tell the user nothing."""
    problems = []
    if not reject.reason:
        problems.append("no reason")
    fields = (reject.file, reject.position, reject.reason, reject.doc_id)
    if not all(_storable(value) for value in fields if value is not None):
        problems.append("a field cannot be encoded as UTF-8")
    return problems


def event_problems(record: EventRecord, text: str) -> list[str]:
    """Why this event's offsets or date do not fit the text it was coded from."""
    problems = []
    if text[record.event_start : record.event_end] != record.event_text or not (
        0 <= record.event_start < record.event_end <= len(text)
    ):
        problems.append(f"trigger offsets {record.event_start}-{record.event_end} do not fit")
    start = record.sentence_start
    if text[start : start + len(record.sentence_text)] != record.sentence_text:
        problems.append(f"sentence at {start} does not match the text")
    for ref in (*record.actor, *record.recipient, *record.claimed_by):
        if not 0 <= ref.start <= ref.end <= len(text):
            problems.append(f"actor offsets {ref.start}-{ref.end} outside the text")
    if record.date is not None:
        try:
            year = dt.date.fromisoformat(record.date[:10]).year if len(record.date) >= 10 \
                else int(record.date[:4])
        except ValueError:
            problems.append(f"date {record.date!r} is not ISO")
        else:
            if year not in EVENT_YEARS:
                problems.append(f"event dated in year {year}")
    return problems
