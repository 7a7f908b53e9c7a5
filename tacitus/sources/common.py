"""Helpers every reader shares: the draft a reader hands on, text cleaning, dates, ids, columns.

A reader's only job is to pull fields out of its format; everything that decides whether a
document is *good* (clean text, a sane date, English, not a duplicate) lives in `finish.py`, so
that every format is judged by the same rules and every rejection reads the same way.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, BinaryIO, Literal, cast

from tacitus.limits import Limits, exceeded
from tacitus.records import Reject

Field = Literal["id", "text", "date", "url", "outlet", "title"]

#: Column (or JSON key) names tried, in order, when a `ColumnMapping` leaves a field unset.
#: They cover the spellings common in news dumps; a user's own names go in `ColumnMapping`.
DEFAULT_COLUMNS: Mapping[Field, tuple[str, ...]] = {
    "id": ("id", "doc_id", "docid"),
    "text": ("text", "body", "content"),
    "date": ("published", "date", "publish_date", "pubdate"),
    "url": ("url", "link"),
    "outlet": ("outlet", "source", "sitename", "publisher"),
    "title": ("title", "headline"),
}


@dataclass(frozen=True)
class ColumnMapping:
    """Which column or JSON key holds each field; `None` means try `DEFAULT_COLUMNS`.

    Naming a field here replaces the defaults for that field entirely, so a dump whose
    `text` column is a summary can be pointed at `body` without the summary leaking in.
    """

    id: str | None = None
    text: str | None = None
    date: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None

    def names(self, field: Field) -> tuple[str, ...]:
        """The column names to try for `field`, in order."""
        chosen: str | None = getattr(self, field)
        return (chosen,) if chosen is not None else DEFAULT_COLUMNS[field]

    def pick(self, row: Mapping[str, object], field: Field) -> object:
        """The first value of `field` present in `row` (`None` when no candidate column exists)."""
        for name in self.names(field):
            if name in row:
                return row[name]
        return None


@dataclass(frozen=True)
class Draft:
    """What a reader found for one document, before it is judged and becomes an `Article`.

    `date` is kept raw (string, number or date object) so a bad value can be quoted back to
    the user in the rejection.
    """

    source_file: str
    position: str
    text: str
    id: str | None = None
    date: object = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None


def draft_from_row(
    row: Mapping[str, object], source: str, position: str, mapping: ColumnMapping
) -> Draft | Reject:
    """A draft from one JSON object or CSV row, or a reject when it has no usable text field."""
    text = mapping.pick(row, "text")
    doc_id = as_field(mapping.pick(row, "id"))
    if text is None:
        looked = ", ".join(mapping.names("text"))
        return Reject(source, position, f"missing text field (looked for: {looked})", doc_id)
    if not isinstance(text, str):
        kind = type(text).__name__
        return Reject(source, position, f"text field is a {kind}, not a string", doc_id)
    return Draft(
        source_file=source,
        position=position,
        text=text,
        id=doc_id,
        date=mapping.pick(row, "date"),
        url=as_field(mapping.pick(row, "url")),
        outlet=as_field(mapping.pick(row, "outlet")),
        title=as_field(mapping.pick(row, "title")),
    )


def as_field(value: object) -> str | None:
    """A metadata value as a stripped string, or `None` when absent or blank.

    JSON and CSV give ids as numbers as often as strings; both name the same document.
    """
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = str(value).strip()
    return text or None


# --- text cleaning ---------------------------------------------------------------------------

#: Share of characters that may be U+FFFD or control characters before a text counts as binary.
#: A stray Latin-1 byte in a long article is tolerated; random bytes are not.
MAX_BAD_CHAR_SHARE = 0.01

_KEEP_CONTROLS = frozenset("\t\n\r\f\v")


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" and char not in _KEEP_CONTROLS


def looks_binary(text: str) -> bool:
    """True when text is really binary or a wrong encoding decoded with replacement.

    NUL never occurs in real prose, so one is enough; otherwise the share of replacement and
    control characters decides.
    """
    if "\x00" in text:
        return True
    if not text:
        return False
    bad = sum(1 for char in text if char == "\ufffd" or _is_control(char))
    return bad / len(text) > MAX_BAD_CHAR_SHARE


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(text: str) -> str:
    """Lone UTF-16 surrogates (JSON's "\\ud800" escapes) as U+FFFD, like any undecodable byte.

    Python strings may hold them, but they cannot be encoded as UTF-8, so one in a text or a
    field would make hashing, storing or printing the document fail further on.
    """
    return _SURROGATE.sub("\ufffd", text)


def printable(name: str) -> str:
    """A file name or field as storable text: undecodable bytes of a file name shown as
    `\\xff` escapes (so the name stays recognisable), other lone surrogates as U+FFFD."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return scrub(name)


def decode(data: bytes) -> str:
    """Bytes as UTF-8 (a BOM dropped), invalid sequences replaced so `looks_binary` can judge."""
    return data.decode("utf-8-sig", errors="replace")


def clean_text(text: str) -> str:
    """NFC-normalise and drop invisible format and control characters.

    Zero-width spaces, joiners, soft hyphens and bidi controls (Unicode category Cf) split or
    glue tokens invisibly, so "Obama" with a zero-width space inside would never match an actor.
    Line breaks are normalised to `\\n` so character offsets mean the same on every platform.
    U+FFFD stays: it marks where the input lost a character, which a reader of the text should see.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        char for char in text if unicodedata.category(char) != "Cf" and not _is_control(char)
    ).strip()


_SPACE = re.compile(r"\s+")


def normalise_for_hash(text: str) -> str:
    """Lower-cased, whitespace-collapsed text: the same story re-wrapped hashes the same."""
    return _SPACE.sub(" ", text.lower()).strip()


def text_hash(text: str) -> str:
    """A stable short id for a document that came without an id or URL."""
    digest = hashlib.sha1(normalise_for_hash(text).encode("utf-8")).hexdigest()
    return f"doc-{digest[:16]}"


# --- dates -----------------------------------------------------------------------------------


class DateError(ValueError):
    """A date value that is present but unusable; its message is the rejection reason."""


#: Formats tried after ISO 8601 and RFC 822 fail; all unambiguous (no 01/02/2012 guessing).
DATE_FORMATS = (
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
)

EARLIEST_YEAR = 1900
FUTURE_SLACK = dt.timedelta(days=365)


#: The year of an RFC 822 date ("Thu, 12 Jul 2012 08:15:00 GMT"): after the month name.
_RFC822_YEAR = re.compile(r"[A-Za-z]{3,}\s+(\d+)\b")


def _rfc822_date(value: str) -> dt.date | None:
    """An RFC 822 date, refusing years written with other than two or four digits.

    `email.utils` reads any year below 100 as a two-digit one, so "01 Jan 0001" (a scraper's
    stand-in for "no date") would quietly become 2001.
    """
    year = _RFC822_YEAR.search(value)
    digits = year[1] if year else ""
    if len(digits) not in (2, 4) or (len(digits) == 4 and int(digits) < 1000):
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _parse_date_string(value: str) -> dt.date | None:
    for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
        try:
            parsed = parse(value)
        except ValueError:
            continue
        return parsed.date() if isinstance(parsed, dt.datetime) else parsed
    if (rfc822 := _rfc822_date(value)) is not None:
        return rfc822
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def parse_date(value: object, *, today: dt.date | None = None) -> dt.date | None:
    """A publication date from whatever a source gave, `None` when it gave none.

    Raises `DateError` for a value that is there but wrong -- unparseable, before 1900 or more
    than a year ahead -- because a wrong date silently misplaces every event in the document.
    A datetime keeps the calendar day of its own offset: the day the outlet published it.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        parsed: dt.date | None = value.date()
    elif isinstance(value, dt.date):
        parsed = value
    elif isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        parsed = _parse_date_string(str(value).strip())
    else:
        parsed = None
    if parsed is None:
        raise DateError(f"bad date {value!r}: not a recognised date")
    if parsed.year < EARLIEST_YEAR:
        raise DateError(f"bad date {value!r}: before {EARLIEST_YEAR}")
    if parsed > (today or dt.date.today()) + FUTURE_SLACK:
        raise DateError(f"bad date {value!r}: more than a year in the future")
    return parsed


# --- HTML fragments --------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "blockquote", "tr", "table", "section", "article", "pre"}
    | {f"h{level}" for level in range(1, 7)}
)
_SKIP_TAGS = frozenset({"script", "style", "noscript"})


class _TextCollector(HTMLParser):
    """Keeps text, breaks lines at block elements, drops scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment such as a feed summary, paragraphs on their own lines.

    Feed bodies are snippets, too small for trafilatura's boilerplate removal, so a plain
    tag stripper is the right tool.
    """
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(collector.parts).split("\n"))
    return "\n".join(line for line in lines if line)


# --- files -----------------------------------------------------------------------------------


def open_binary(path: Path) -> BinaryIO:
    """Open a file for reading, transparently gunzipping `name.ext.gz` dumps."""
    if path.suffix.lower() == ".gz":
        return cast(BinaryIO, gzip.open(path, "rb"))
    return path.open("rb")


def read_capped(stream: IO[bytes], limit: int) -> bytes | None:
    """All of a stream, or `None` when it holds more than `limit` bytes (only `limit + 1` of
    them are read, so a huge file or a gzip bomb costs no more memory than the limit)."""
    data = stream.read(limit + 1)
    return None if len(data) > limit else data


def too_large(limits: Limits, name: str = "max_document_bytes") -> str:
    """The reason for refusing a document or file over a byte limit."""
    return exceeded(f"document too large: more than {getattr(limits, name):,} bytes", name, limits)


def bounded_lines(stream: IO[bytes], limit: int) -> Iterator[bytes]:
    """The stream's lines, but never more than `limit + 1` bytes of one: a longer line is cut
    there and the rest of it skipped, so that one gigantic line cannot exhaust memory. A cut
    line is recognisable by `line_too_long`; the next line is read as usual."""
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(limit + 1)) and not rest.endswith(b"\n"):
                pass
        yield line


def line_too_long(line: bytes, limit: int) -> bool:
    """Whether a line (from `bounded_lines` or anywhere) holds more than `limit` bytes."""
    return len(line.rstrip(b"\r\n")) > limit


#: Bytes of a file judged when deciding whether it is text at all.
HEAD_BYTES = 4096
#: Share of undecodable or control characters in a file's head that makes it binary. Higher
#: than the share allowed in one document, because this rejects a whole file at once.
MAX_BAD_HEAD_SHARE = 0.1


def binary_head(stream: IO[bytes]) -> bool:
    """True when a stream's first bytes are not text (an image renamed `.jsonl`, a UTF-16
    dump): its documents would each be rejected, burying the one reject that matters. A few
    bad bytes (one record with a NUL) are left for the record's own judgement. Reads nothing
    away: the head is peeked."""
    peek = getattr(stream, "peek", None)
    head = bytes(peek(HEAD_BYTES)[:HEAD_BYTES]) if peek is not None else b""
    text = decode(head)
    bad = sum(1 for char in text if char == "\ufffd" or _is_control(char))
    # The last character may be a multi-byte sequence cut by the head's end.
    return bool(text) and (bad - 1) / len(text) > MAX_BAD_HEAD_SHARE


def doc_stem(path: Path) -> str:
    """A file's name without its format and compression suffixes: `a/story.txt.gz` -> `story`."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return Path(name).stem
