"""Acceptance for issue 7: 100 good documents among 50 bad ones of every kind the web throws.

The corpus spreads both over every input format (text, gzipped text, HTML, JSON Lines, JSON,
CSV, RSS/Atom, WARC). After one ingest with the real coder, every good document is stored
and every bad one is exactly one `rejects` row, at its file and position, with a reason that
says what was wrong.
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tacitus.ingest import ingest
from tacitus.limits import Limits
from tacitus.sources import read_paths
from tests.ingest_support import COUNTRIES, NEWS_SENTENCES, make_real_coder

#: The readers hold at most this much of one document, so that one over it is cheap to make.
DOCUMENT_BYTES = 1_000_000


def news(n: int) -> str:
    """Good document number `n`: two sentences the built-in dictionaries code, and its number."""
    (a, adj), (b, badj) = COUNTRIES[n % 16], COUNTRIES[(n * 7 + 3) % 16]
    if a == b:
        (b, badj) = COUNTRIES[(n + 1) % 16]
    first = NEWS_SENTENCES[n % len(NEWS_SENTENCES)].format(a=a, adj=adj, b=b, badj=badj)
    second = NEWS_SENTENCES[(n + 5) % len(NEWS_SENTENCES)].format(a=b, adj=badj, b=a, badj=adj)
    return f"{first} {second} This is report number {n} in the series."


@dataclass
class Corpus:
    """The files written, the good documents' numbers, and where each bad input is."""

    root: Path
    good: int = 0
    #: (file name, position or None when it cannot be known ahead) -> words of the reason.
    bad: dict[tuple[str, str | None], str] = field(default_factory=dict)

    def text(self) -> str:
        self.good += 1
        return news(self.good)

    def url(self) -> str:
        return f"https://news.example/{self.good}"

    def write(self, name: str, data: bytes | str) -> Path:
        path = self.root / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    def expect(self, name: str, position: str | None, reason: str) -> None:
        assert (name, position) not in self.bad
        self.bad[(name, position)] = reason


def _html(title: str, body: str) -> str:
    return (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1><p>{body}</p></article></body></html>")


def _text_files(c: Corpus) -> None:
    for number in range(8):
        c.write(f"good{number}.txt", c.text())
    # Zero-width and bidi characters inside names: cleaned away, so the document still codes.
    c.write("invisible.txt", c.text().replace("a", "a\u200b", 3) + "\u202e \u2066")
    c.write("gzipped.txt.gz", gzip.compress(c.text().encode()))
    c.write("latin1.txt", ("Déjà vu à Genève, été éternel. " * 4).encode("latin-1"))
    c.expect("latin1.txt", "1", "binary or non-UTF-8")
    c.write("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    c.expect("image.txt", "1", "binary or non-UTF-8")
    c.write("utf16.txt", news(902).encode("utf-16"))
    c.expect("utf16.txt", "1", "binary or non-UTF-8")
    c.write("nul.txt", "The army withdrew\x00 from the town on Monday.")
    c.expect("nul.txt", "1", "binary or non-UTF-8")
    c.write("blank.txt", " \n\t\n")
    c.expect("blank.txt", "1", "empty text")
    c.write("invisible_only.txt", "\u200b\u200c\u200d\ufeff\u202e")
    c.expect("invisible_only.txt", "1", "empty text")
    c.write("long_sentence.txt", "Russia and Ukraine and China " * 3500)
    c.expect("long_sentence.txt", "1", "characters without a sentence end")
    c.write("many_tokens.txt", "Russia and China and France " * 170 + "attacked Ukraine.")
    c.expect("many_tokens.txt", "1", "tokens in sentence")
    c.write("huge.txt", "Russia urged Ukraine to act. " * 8000)
    c.expect("huge.txt", "1", "characters (limit 200,000")
    c.write("bomb.txt.gz", gzip.compress(b"a" * (DOCUMENT_BYTES + 1)))
    c.expect("bomb.txt.gz", "1", "document too large: more than 1,000,000 bytes")
    c.write("truncated.txt.gz", gzip.compress(news(903).encode() * 20)[:-40])
    c.expect("truncated.txt.gz", "", "EOFError")
    c.write("not_gzip.txt.gz", b"plain bytes, no gzip header")
    c.expect("not_gzip.txt.gz", "", "Not a gzipped file")
    c.write("french.txt", "Le conseil municipal a voté hier soir une nouvelle loi sur les "
            "transports publics de la ville et de sa région.")
    c.expect("french.txt", "1", "not English")
    os.mkfifo(c.root / "pipe.txt")
    c.expect("pipe.txt", "", "not a regular file")


def _html_files(c: Corpus) -> None:
    for number in range(5):
        c.write(f"page{number}.html", _html(f"Report {number}", c.text()))
    c.write("nested.html", "<html><body>" + "<div>" * 5000 + f"<p>{news(900)}</p>"
            + "</div>" * 5000 + "</body></html>")
    c.expect("nested.html", "1", "no main text found")
    # Broken but readable HTML is a good document: unclosed and stray tags, a cut-off end.
    c.write("broken.html", f"<html><body><div><p>{c.text()}<p><table><tr><td></b></i></span"
            f"><p>{news(904)}")
    c.write("script_only.html", "<html><body><script>load()</script></body></html>")
    c.expect("script_only.html", "1", "no main text found")
    c.write("binary.html", b"\x00\x01\x02\x03" * 100)
    c.expect("binary.html", "1", "binary or non-UTF-8")
    c.write("long.html", _html("Long", "Russia and Ukraine and China " * 3500))
    c.expect("long.html", "1", "sentence too long")


def _json_lines(c: Corpus) -> None:
    lines: list[str] = []
    texts: list[str] = []

    def good() -> None:
        texts.append(c.text())
        lines.append(json.dumps({"id": f"j{c.good}", "text": texts[-1],
                                 "published": "2024-03-05"}))

    def bad(line: str, reason: str) -> None:
        good()
        lines.append(line)
        c.expect("feed.jsonl", str(len(lines)), reason)

    bad('{"id": "x1", "text": "Russia attacked', "invalid JSON")  # cut mid-line
    bad("{not json at all}", "invalid JSON")
    bad("[" * 100_000, "nested too deeply")
    bad('{"id": "x2", "text": "Russia \\ud800 attacked Ukraine."}', "binary or non-UTF-8")
    bad('{"id": "x3", "text": "Story x3.", "published": "0000-01-01"}', "bad date")
    bad('{"id": "x4", "text": "Story x4.", "published": "99999-01-01"}', "bad date")
    bad('{"id": "x5", "text": "Story x5.", "published": "1900-02-30"}', "bad date")
    bad('{"id": "x6", "text": "Story x6.", "published": 1331510400000}', "bad date")
    bad('{"id": "x7", "body_text": "No text field."}', "missing text field")
    bad('{"id": "x8", "text": 12345}', "text field is a int")
    bad('{"id": "x9", "text": "Story x9.", "published": ' + "9" * 5000 + "}", "invalid JSON")
    bad(json.dumps({"id": "x10", "text": "x" * DOCUMENT_BYTES}), "document too large")
    bad(json.dumps({"id": "x11", "text": texts[-1]}), "duplicate of")
    for _ in range(32):
        good()
    lines.append('{"id": "x12", "text": "The last line of a dump cut sh')
    c.expect("feed.jsonl", str(len(lines)), "invalid JSON")
    c.write("feed.jsonl", "\n".join(lines))
    c.write("array.json", json.dumps([{"id": "a1", "text": c.text()}, "a string",
                                      {"id": "a2", "text": c.text()}]))
    c.expect("array.json", "2", "JSON str where a document object was expected")


def _csv_files(c: Corpus) -> None:
    rows = ["id,text,date"]

    def good() -> None:
        rows.append(f'c{c.good + 1},"{c.text()}",2024-03-05')

    def bad(row: str, reason: str) -> None:
        good()
        rows.append(row)
        c.expect("dump.csv", str(len(rows)), reason)

    # An unclosed quote: the rows after it are read again, not swallowed.
    bad('b1,"Russia attacked Ukraine, said the,2024-03-05', "malformed row")
    good()
    good()
    bad("b2,too,many,fields,here", "row has 5 fields, header has 3")
    bad("b3,,2024-03-05", "empty text")
    bad("b4,Story b4 has a bad date.,32 Smarch", "bad date")
    for _ in range(15):
        good()
    rows.append('b5,"A dump cut short in the middle of a quoted')
    c.expect("dump.csv", str(len(rows)), "malformed row: unexpected end of data")
    c.write("dump.csv", "\n".join(rows))
    c.write("binary.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    c.expect("binary.csv", "", "binary or non-UTF-8")
    c.write("no_text.csv", "id,title\n1,Only a title\n")
    c.expect("no_text.csv", "1", "no text column")


def _item(c: Corpus, pub_date: str = "Tue, 05 Mar 2024 08:00:00 GMT") -> str:
    text = c.text()
    return (f"<item><title>Report {c.good}</title><link>{c.url()}</link>"
            f"<pubDate>{pub_date}</pubDate><description>{text}</description></item>")


def _feeds(c: Corpus) -> None:
    items = [_item(c) for _ in range(5)]
    items.insert(2, "<item><title>No date</title><link>https://news.example/zero</link>"
                    "<pubDate>Mon, 01 Jan 0001 00:00:00 +0000</pubDate>"
                    f"<description>{news(901)}</description></item>")
    c.expect("wire.rss", "3", "bad date 'Mon, 01 Jan 0001")
    items.insert(4, "<item><title>Empty</title><link>https://news.example/empty</link>"
                    "<description></description></item>")
    c.expect("wire.rss", "5", "empty text")
    c.write("wire.rss", f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
            f'{"".join(items)}</channel></rss>')
    entries = "".join(
        f"<entry><id>urn:x:{n}</id><title>E{n}</title><link href='{c.url()}x'/>"
        f"<updated>2024-03-05T08:00:00Z</updated><content>{c.text()}</content></entry>"
        for n in range(5)
    )
    c.write("atom.atom", f'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            f"{entries}</feed>")
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 9))
    c.write("bomb.rss", f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">{laughs}]>'
            f"<rss><channel><item><description>&l8;</description></item></channel></rss>")
    c.expect("bomb.rss", "", "unsafe XML refused")
    c.write("xxe.atom", '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM '
            '"file:///etc/passwd">]><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
            "<content>&x;</content></entry></feed>")
    c.expect("xxe.atom", "", "unsafe XML refused")
    c.write("dtd.rss", '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY % d SYSTEM '
            '"http://127.0.0.1:9/evil.dtd"> %d;]><rss><channel></channel></rss>')
    c.expect("dtd.rss", "", "unsafe XML refused")
    c.write("cut.rss", f'<rss version="2.0"><channel>{_item(c)}<item><descr')
    c.good -= 1  # the item inside a broken feed is not read
    c.expect("cut.rss", "", "malformed XML")
    c.write("catalog.xml", "<catalog><book>Not a feed</book></catalog>")
    c.expect("catalog.xml", "", "not an RSS or Atom feed")


def _warc(records: list[tuple[str, bytes, str, str]]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for url, body, status, kind in records:
        headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                           http_headers=headers)
        writer.write_record(record)
    return buffer.getvalue()


def _warc_files(c: Corpus) -> None:
    def page() -> tuple[str, bytes, str, str]:
        text = c.text()
        return (c.url(), _html(f"Page {c.good}", text).encode(), "200 OK", "text/html")

    records = [page() for _ in range(4)]
    records.insert(2, ("https://news.example/empty", b"<html><body><script>x()</script>"
                       b"</body></html>", "200 OK", "text/html"))
    records.append(("https://news.example/404", b"gone", "404 Not Found", "text/html"))
    c.write("crawl.warc", _warc(records))
    c.expect("crawl.warc", None, "no main text found")
    damaged = _warc([page(), page()]) + b"WARC/1.0\r\nWARC-Type: response\r\nbroken"
    c.write("damaged.warc", damaged)
    c.expect("damaged.warc", "", "corrupt WARC")
    c.write("image.warc", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    c.expect("image.warc", "", "corrupt WARC")


def build_corpus(root: Path) -> Corpus:
    root.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(root)
    for part in (_text_files, _html_files, _json_lines, _csv_files, _feeds, _warc_files):
        part(corpus)
    return corpus


def _matches(rejects: list[tuple[str, str, str]], corpus: Corpus) -> Iterator[str]:
    """Problems: a bad input without exactly one matching reject, or a reject not expected."""
    left = list(rejects)
    for (name, position), words in corpus.bad.items():
        found = [r for r in left if Path(r[0]).name == name
                 and (position is None or r[1] == position)]
        if len(found) != 1 or words not in found[0][2]:
            yield f"{name}:{position}: expected one reject with {words!r}, got {found}"
        left = [r for r in left if r not in found]
    yield from (f"unexpected reject {r}" for r in left)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, Path]:
    root = tmp_path_factory.mktemp("mixed")
    corpus = build_corpus(root / "corpus")
    db = root / "t.duckdb"
    reader = functools.partial(read_paths, limits=Limits(max_document_bytes=DOCUMENT_BYTES))
    ingest([corpus.root], db, coder_factory=make_real_coder, reader=reader, progress=False)
    return corpus, db


def _rows(db: Path, query: str) -> list[tuple[str, ...]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return [tuple(row) for row in conn.execute(query).fetchall()]


def test_the_corpus_has_100_good_and_50_bad_documents(ingested: tuple[Corpus, Path]) -> None:
    corpus, _ = ingested
    assert (corpus.good, len(corpus.bad)) == (100, 50)


def test_every_good_document_is_coded(ingested: tuple[Corpus, Path]) -> None:
    _, db = ingested
    stored = _rows(db, "SELECT text FROM articles")
    numbers = sorted(int(text.split("report number ", 1)[1].split()[0]) for (text,) in stored)
    assert numbers == list(range(1, 101))
    silent = _rows(db, "SELECT id FROM articles WHERE doc_key NOT IN"
                       " (SELECT doc_key FROM events)")
    assert silent == []  # every good document gave events, not only a row


def test_every_bad_document_is_one_reject_with_its_reason(ingested: tuple[Corpus, Path]) -> None:
    corpus, db = ingested
    rejects = _rows(db, "SELECT file, position, reason FROM rejects")
    assert list(_matches(rejects, corpus)) == []
    assert len(rejects) == 50


def test_invisible_characters_do_not_stop_coding(ingested: tuple[Corpus, Path]) -> None:
    _, db = ingested
    [(text, events)] = _rows(
        db, "SELECT a.text, count(e.mention_id) FROM articles a JOIN events e USING (doc_key)"
            " WHERE a.source_file LIKE '%invisible.txt' GROUP BY a.text")
    assert "\u200b" not in text and "\u202e" not in text
    assert int(events) >= 1
