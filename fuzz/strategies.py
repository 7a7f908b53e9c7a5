"""Hypothesis strategies for what the web throws at Tacitus: one set, used by the property
tests (few examples each) and by the fuzz campaign (thousands).

Every input format has a strategy that yields `(file suffix, bytes)`: mostly near-valid
documents with something wrong in them (a cut, a stray quote, an entity bomb, a deep nest,
an absurd date, invisible characters), since purely random bytes only ever test the first
check a reader makes. `prose` is text for the coder, full of the same traps.
"""

from __future__ import annotations

import gzip
import io
import json

from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

#: Characters that split or glue words invisibly, reorder text, or mean "no character".
INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width space and joiners, BOM, soft hyphen
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"  # bidi controls
)
CONTROL = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\ufffd"
#: Lone surrogates: legal in a Python string (and in JSON escapes), not encodable as UTF-8.
SURROGATES = "\ud800\udbff\udc00\udfff"
ACTORS = ("Russia", "Ukraine", "China", "Iran's foreign minister", "Syrian troops", "the army",
          "Police", "Rebels", "President Obama", "The United Nations", "Turkey", "he", "They")
VERBS = ("attacked", "met with", "urged", "accused", "condemned", "praised", "held talks with",
         "threatened", "signed an agreement with", "did not attack", "will visit", "said")
TAILS = ("", " on Tuesday", " yesterday", " in Damascus", " on 0001-01-01", " on 9999-12-31",
         " on February 30, 1900", " in 99999", " to act", ", officials said", " \"now\"")
DATES = (
    "2012-07-12", "0000-01-01", "0001-01-01", "99999-01-01", "1900-02-30", "9999-12-31",
    "1331510400000", "1331510400", "Mon, 01 Jan 0001 00:00:00 +0000", "32 Smarch",
    "2012-07-12T25:61:00Z", "February 30, 1900", "", " ", "-1", "1e308", "NaN",
)
ENDS = (". ", ". ", "! ", "? ", ".\n", "\n\n", " ", "")


@st.composite
def _trapped(draw: st.DrawFn, text: str) -> str:
    """`text` with, now and then, an invisible, control or surrogate character inside it
    (surrogates rarely: the coder refuses a text with one, so they would hide the rest)."""
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 1, 2, 3]))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from([INVISIBLE] * 6 + [CONTROL] * 3 + [SURROGATES]))
        text = text[:at] + draw(st.sampled_from(kind)) + text[at:]
    return text


@st.composite
def _sentence(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind < 7:  # what the coder codes, with traps
        words = (f"{draw(st.sampled_from(ACTORS))} {draw(st.sampled_from(VERBS))}"
                 f" {draw(st.sampled_from(ACTORS))}{draw(st.sampled_from(TAILS))}")
    elif kind < 9:  # anything at all
        words = draw(st.text(max_size=40))
    else:  # a very long run without a sentence end
        words = draw(st.sampled_from(["word ", "Russia and ", "(", "a,", "x"])) * draw(
            st.integers(500, 3000))
    return draw(_trapped(words)) + draw(st.sampled_from(ENDS))


@st.composite
def prose(draw: st.DrawFn, max_sentences: int = 8) -> str:
    """News-like text full of traps: invisible, control and surrogate characters inside
    words, absurd dates, text in no language, and now and then a run of thousands of
    characters without a sentence end."""
    return "".join(draw(st.lists(_sentence(), max_size=max_sentences)))


def _encoded(draw: st.DrawFn, text: str) -> bytes:
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "latin-1"]))
    return text.encode(encoding, "surrogatepass" if encoding != "latin-1" else "replace")


def _damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """The bytes as they are, cut short, or with a few bytes overwritten."""
    how = draw(st.sampled_from(["whole", "whole", "cut", "flip"]))
    if how == "cut" and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == "flip" and data:
        changed = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            changed[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(changed)
    return data


@st.composite
def text_files(draw: st.DrawFn) -> tuple[str, bytes]:
    data = _damaged(draw, _encoded(draw, draw(prose())))
    if draw(st.booleans()):
        return ".txt", data
    return ".txt.gz", _damaged(draw, gzip.compress(data, mtime=0))


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8,
)


@st.composite
def _json_document(draw: st.DrawFn) -> dict[str, object]:
    document: dict[str, object] = {"text": draw(prose() | prose() | prose() | _json_values)}
    for key in ("id", "published", "url", "title", "outlet"):
        if draw(st.booleans()):
            document[key] = draw(st.sampled_from(DATES) | prose(1) | _json_values)
    return document


@st.composite
def _json_line(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["doc", "doc", "doc", "cut", "deep", "junk"]))
    if kind == "deep":
        return draw(st.sampled_from(["[", "{\"a\":"])) * draw(st.integers(100, 5000))
    if kind == "junk":
        return draw(prose(2))
    line = json.dumps(draw(_json_document()), ensure_ascii=draw(st.booleans()))
    return line[: draw(st.integers(0, len(line)))] if kind == "cut" else line


@st.composite
def json_lines_files(draw: st.DrawFn) -> tuple[str, bytes]:
    lines = draw(st.lists(_json_line(), max_size=8))
    data = _damaged(draw, "\n".join(lines).encode("utf-8", "surrogatepass"))
    return draw(st.sampled_from([".jsonl", ".json", ".jsonl.gz"])), (
        gzip.compress(data, mtime=0) if draw(st.booleans()) else data
    )


_cells = st.one_of(
    prose(2), st.sampled_from(DATES), st.sampled_from(['"', '""', '"a"b', 'a"', ",", "\n"]),
)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, bytes]:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.permutations(["text", "id", "date", "url"]))[: draw(st.integers(1, 4))]
    if "text" not in header and draw(st.integers(0, 4)) > 0:
        header.append("text")  # mostly a usable dump: rows, not only a header, get read
    rows = [delimiter.join(header)]
    for _ in range(draw(st.integers(0, 8))):
        cells = draw(st.lists(_cells, min_size=0, max_size=len(header) + 1))
        quoted = draw(st.booleans())
        rows.append(delimiter.join(f'"{c}"' if quoted else c for c in cells))
    data = _damaged(draw, "\n".join(rows).encode("utf-8", "surrogatepass"))
    return draw(st.sampled_from([".csv", ".tsv"])), data


_tags = st.sampled_from(["div", "p", "span", "b", "i", "table", "tr", "td", "article", "main",
                         "script", "style", "h1", "li", "ul", "br", "a", "noscript", "title"])


@st.composite
def _markup(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 4 else 1))):
        kind = draw(st.sampled_from(["text", "text", "tag", "open", "close", "entity"]))
        if kind == "text":
            parts.append(draw(prose(3)))
        elif kind == "tag" and depth < 6:
            tag = draw(_tags)
            parts.append(f"<{tag}>{draw(_markup(depth + 1))}</{tag}>")
        elif kind == "open":
            parts.append(f"<{draw(_tags)}>")
        elif kind == "close":
            parts.append(f"</{draw(_tags)}>")
        else:
            parts.append(draw(st.sampled_from(["&#99999999;", "&#0;", "&bogus;", "&amp", "&#xD800;",
                                               "<!--", "<![CDATA[", "<<>>", "&lt;script"])))
    return "".join(parts)


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    body = draw(_markup())
    if draw(st.integers(0, 4)) == 0:
        levels = draw(st.integers(200, 3000))
        body = "<div>" * levels + body + "</div>" * draw(st.integers(0, levels))
    title = draw(prose(1))
    page = f"<html><head><title>{title}</title></head><body><article>{body}</article></body>"
    return _damaged(draw, _encoded(draw, page))


@st.composite
def html_files(draw: st.DrawFn) -> tuple[str, bytes]:
    return draw(st.sampled_from([".html", ".htm"])), draw(html_pages())


_DOCTYPES = (
    "",
    '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    '"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
    '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>',
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def feed_files(draw: st.DrawFn) -> tuple[str, bytes]:
    atom = draw(st.booleans())
    entries = []
    for number in range(draw(st.integers(0, 5))):
        body = _escape(draw(prose(4))) if draw(st.booleans()) else draw(st.sampled_from(
            ["&c;", "&x;", "<![CDATA[<p>Russia attacked Ukraine.</p>]]>", "&lt;b&gt;x"]))
        date = _escape(draw(st.sampled_from(DATES)))
        if atom:
            entries.append(f"<entry><id>urn:{number}</id><updated>{date}</updated>"
                           f"<content>{body}</content></entry>")
        else:
            entries.append(f"<item><guid>g{number}</guid><pubDate>{date}</pubDate>"
                           f"<description>{body}</description></item>")
    doctype = draw(st.sampled_from(_DOCTYPES))
    inner = "".join(entries)
    document = (f'<?xml version="1.0"?>{doctype}<feed xmlns="http://www.w3.org/2005/Atom">'
                f"{inner}</feed>" if atom else
                f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel>{inner}'
                "</channel></rss>")
    data = _damaged(draw, document.encode("utf-8", "surrogatepass"))
    return draw(st.sampled_from([".rss", ".atom", ".xml"])), data


@st.composite
def warc_files(draw: st.DrawFn) -> tuple[str, bytes]:
    buffer = io.BytesIO()
    compressed = draw(st.booleans())
    writer = WARCWriter(buffer, gzip=compressed)
    for number in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text/html", "text/plain", "image/png", "text/html; x"]))
        body = draw(html_pages()) if "html" in kind else _encoded(draw, draw(prose(4)))
        record_type = draw(st.sampled_from(["response", "response", "resource", "request"]))
        if record_type == "request":
            body = b"GET /" + str(number).encode() + b" HTTP/1.1\r\nHost: x.example\r\n\r\n"
        status = draw(st.sampled_from(["200 OK", "404 Not Found", "301 Moved"]))
        headers = (StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
                   if record_type == "response" else None)
        record = writer.create_warc_record(
            f"https://x.example/{number}", record_type, payload=io.BytesIO(body),
            http_headers=headers, warc_content_type=kind if record_type == "resource" else None,
            # Fixed, so that the same draws give the same bytes (Hypothesis replays them).
            warc_headers_dict={"WARC-Record-ID": f"<urn:uuid:{number:08d}-0-0-0-0>",
                               "WARC-Date": "2024-03-05T08:00:00Z"},
        )
        writer.write_record(record)
    data = _damaged(draw, buffer.getvalue())
    return (".warc.gz" if compressed else ".warc"), data


@st.composite
def random_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """Raw bytes under any name: binaries renamed, or files with no telling extension."""
    suffix = draw(st.sampled_from([".txt", ".jsonl", ".json", ".csv", ".tsv", ".html", ".rss",
                                   ".warc", ".gz", ".txt.gz", "", ".bin"]))
    return suffix, draw(st.binary(max_size=2000))


#: Every file strategy, by name (the campaign reports its counts under these names).
FILE_STRATEGIES = {
    "text": text_files(),
    "jsonl": json_lines_files(),
    "csv": csv_files(),
    "html": html_files(),
    "feed": feed_files(),
    "warc": warc_files(),
    "bytes": random_files(),
}
