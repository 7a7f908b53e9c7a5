"""Readers: every format to `Article`s, every bad input to a `Reject`, nothing lost silently."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from tacitus.records import Article, Reject
from tacitus.sources import ColumnMapping, read_paths, read_stdin
from tacitus.sources.common import DateError, clean_text, html_to_text, parse_date, text_hash
from tacitus.sources.detect import sniff

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def split(results: Iterable[Article | Reject]) -> tuple[list[Article], list[Reject]]:
    articles: list[Article] = []
    rejects: list[Reject] = []
    for item in results:
        if isinstance(item, Article):
            articles.append(item)
        else:
            rejects.append(item)
    return articles, rejects


def read(*paths: str | Path, **options: Any) -> tuple[list[Article], list[Reject]]:
    return split(read_paths(list(paths), **options))


def reasons(rejects: Iterable[Reject]) -> dict[str, str]:
    return {reject.position: reject.reason for reject in rejects}


# --- plain text ------------------------------------------------------------------------------


def test_text_file_is_one_article_named_by_its_stem() -> None:
    articles, rejects = read(FIXTURES / "text" / "harbour_vote.txt")
    assert rejects == []
    [article] = articles
    assert article.id == "harbour_vote"
    assert article.text.startswith("Northwind harbour council approves evening ferry crossings")
    assert article.text.endswith("next spring.")
    assert article.source_file == str(FIXTURES / "text" / "harbour_vote.txt")
    assert article.position == "1"
    assert article.published is None


def test_blank_text_file_is_rejected_as_empty() -> None:
    articles, rejects = read(FIXTURES / "text" / "blank.txt")
    assert articles == []
    assert [r.reason for r in rejects] == ["empty text"]


def test_french_text_is_rejected_unless_language_check_is_off() -> None:
    path = FIXTURES / "text" / "french_notice.txt"
    _, rejects = read(path)
    assert [r.reason for r in rejects] == ["not English (detected: fr)"]
    articles, rejects = read(path, language_check=False)
    assert rejects == [] and articles[0].id == "french_notice"


def test_short_texts_are_not_judged_for_language(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("Le maire a parlé.", encoding="utf-8")
    articles, _ = read(path)
    assert [a.text for a in articles] == ["Le maire a parlé."]


def test_binary_and_wrongly_encoded_files_are_rejected(tmp_path: Path) -> None:
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"An article with a NUL\x00 byte in the middle of it.")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Déjà vu à Genève, été éternel ".encode("latin-1") * 3)
    _, rejects = read(nul, latin)
    assert [r.reason for r in rejects] == ["binary or non-UTF-8 content"] * 2


def test_one_stray_bad_byte_in_a_long_text_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "stray.txt"
    body = "The district court in Harrow heard the appeal on Monday morning. " * 10
    path.write_bytes(body.encode() + b"caf\xe9 " + body.encode())
    [article], rejects = read(path)
    assert rejects == []
    assert "caf\ufffd" in article.text


def test_text_is_cleaned_of_invisible_characters_and_nfc_normalised(tmp_path: Path) -> None:
    path = tmp_path / "invisible.txt"
    path.write_text(
        "\ufeffPresident O\u200bbama met the mayor of Gene\u0300ve."
        "\u202e\u2066 Talks\u00ad went well.",
        encoding="utf-8",
    )
    [article], _ = read(path)
    assert article.text == "President Obama met the mayor of Genève. Talks went well."
    assert "\u0300" not in article.text


def test_missing_path_is_a_reject_and_reading_goes_on(tmp_path: Path) -> None:
    articles, rejects = read(tmp_path / "nowhere.txt", FIXTURES / "text" / "harbour_vote.txt")
    assert [r.reason for r in rejects] == ["no such file or directory"]
    assert [a.id for a in articles] == ["harbour_vote"]


# --- JSON Lines ------------------------------------------------------------------------------


def test_jsonl_good_lines_come_through_with_all_fields() -> None:
    articles, _ = read(FIXTURES / "articles.jsonl")
    assert [a.position for a in articles] == ["1", "2", "12", "13"]
    by_id = {a.id: a for a in articles}
    first = by_id["nw-001"]
    assert first.published == dt.date(2012, 7, 12)
    assert first.url == "https://news.example.org/veldra-bridge"
    assert first.outlet == "Example News"
    assert first.title == "Veldra bridge to open"
    assert first.position == "1"
    assert by_id["nw-002"].published == dt.date(2012, 7, 13)
    assert by_id["nw-002"].outlet == "Example Wire"
    assert by_id["nw-012"].published == dt.date(2012, 7, 15)


def test_jsonl_every_bad_line_is_a_reject_with_its_line_number() -> None:
    _, rejects = read(FIXTURES / "articles.jsonl")
    assert reasons(rejects) == {
        "3": "bad date 'not a date at all': not a recognised date",
        "4": "invalid JSON on line 4: Expecting value at column 1",
        "5": "missing text field (looked for: text, body, content)",
        "6": "empty text",
        "7": "not English (detected: fr)",
        "9": "duplicate of nw-001 (same URL)",
        "10": "duplicate of nw-001 (same text)",
        "11": "JSON list where a document object was expected",
        "14": "bad date '1850-03-01': before 1900",
    }
    assert all(r.file == str(FIXTURES / "articles.jsonl") for r in rejects)
    assert [r.doc_id for r in rejects if r.position in {"3", "5", "9"}] == [
        "nw-003",
        "nw-005",
        "nw-009",
    ]


def test_document_without_id_or_url_gets_a_stable_text_hash_id() -> None:
    articles, _ = read(FIXTURES / "articles.jsonl")
    hashed = next(a for a in articles if a.position == "13")
    assert hashed.id.startswith("doc-") and len(hashed.id) == 20
    assert hashed.id == text_hash(
        "  A STORY without an id or a link still gets a stable\n"
        "identifier from its text, which is hashed."
    )


def test_json_array_and_single_object_files(tmp_path: Path) -> None:
    array = tmp_path / "batch.json"
    array.write_text(
        '[{"id": "j1", "text": "The first story of the batch."}, 7,'
        ' {"id": "j2", "text": "The second story of the batch."}]',
        encoding="utf-8",
    )
    single = tmp_path / "one.json"
    single.write_text('{"id": "j3", "text": "A single story."}', encoding="utf-8")
    articles, rejects = read(array, single)
    assert [(a.id, a.position) for a in articles] == [("j1", "1"), ("j2", "3"), ("j3", "1")]
    assert reasons(rejects) == {"2": "JSON int where a document object was expected"}


def test_gzipped_jsonl_is_read_transparently(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"id": "g1", "text": "A compressed story."}\n'))
    articles, rejects = read(path)
    assert rejects == [] and [a.id for a in articles] == ["g1"]


def test_column_mapping_applies_to_json_keys(tmp_path: Path) -> None:
    path = tmp_path / "custom.jsonl"
    path.write_text(
        '{"key": "k1", "body": "summary", "story": "The full story.", "when": "2012-01-05"}\n',
        encoding="utf-8",
    )
    mapping = ColumnMapping(id="key", text="story", date="when")
    [article], _ = read(path, mapping=mapping)
    assert (article.id, article.text, article.published) == (
        "k1",
        "The full story.",
        dt.date(2012, 1, 5),
    )


# --- CSV and TSV -----------------------------------------------------------------------------


def test_csv_rows_become_articles_and_bad_rows_rejects() -> None:
    articles, rejects = read(FIXTURES / "articles.csv")
    assert [(a.id, a.position) for a in articles] == [
        ("csv-1", "2"),
        ("csv-2", "3"),
        ("csv-4", "5"),
    ]
    first, quoted, multi = articles
    assert first.title == "Port reopens"
    assert first.url == "https://port.example.net/quay"
    assert first.outlet == "Eastmere Post"
    assert first.published == dt.date(2013, 2, 1)
    assert '"We will keep talking' in quoted.text
    assert multi.text.count("\n") == 1 and multi.published == dt.date(2013, 2, 3)
    assert reasons(rejects) == {"4": "row has 7 fields, header has 6", "7": "empty text"}


def test_tsv_with_a_column_mapping() -> None:
    mapping = ColumnMapping(id="story", url="permalink", outlet="paper")
    articles, rejects = read(FIXTURES / "newsroom.tsv", mapping=mapping)
    assert rejects == []
    assert [(a.id, a.title, a.outlet, a.published) for a in articles] == [
        ("t-1", "Clinic opens", "Brask Bulletin", dt.date(2014, 5, 6)),
        ("t-2", "Dam protest", "Tollen Times", dt.date(2014, 5, 7)),
    ]
    assert articles[0].url == "https://brask.example.com/clinic"


def test_tsv_with_default_columns_still_finds_body_and_headline() -> None:
    articles, _ = read(FIXTURES / "newsroom.tsv")
    assert [a.title for a in articles] == ["Clinic opens", "Dam protest"]
    assert all(a.id.startswith("doc-") for a in articles)


def test_csv_delimiter_is_sniffed_from_the_header() -> None:
    [article], rejects = read(FIXTURES / "semicolon.csv")
    assert rejects == [] and article.id == "s-1"
    assert article.published == dt.date(2015, 9, 20)


def test_csv_without_a_text_column_is_one_clear_reject() -> None:
    articles, [reject] = read(FIXTURES / "no_text_column.csv")
    assert articles == []
    assert reject.reason.startswith("no text column (looked for: text, body, content;")


# --- HTML ------------------------------------------------------------------------------------


def test_html_main_text_and_metadata() -> None:
    [article], rejects = read(FIXTURES / "page.html")
    assert rejects == []
    assert article.id == article.url == "https://gazette.example.org/2012/07/ferry-timetable"
    assert article.title == "Harbour council agrees new ferry timetable"
    assert article.outlet == "Northwind Gazette"
    assert article.published == dt.date(2012, 7, 12)
    assert "two evening\ncrossings" not in article.text  # trafilatura rejoins wrapped lines
    assert "fuel costs could force higher fares" in article.text
    for boilerplate in ("Subscribe", "Cookie", "tracking", "Sport"):
        assert boilerplate not in article.text


def test_html_without_url_is_named_by_its_stem() -> None:
    [article], _ = read(FIXTURES / "plain_page.htm")
    assert (article.id, article.url, article.title) == ("plain_page", None, "Water board report")
    assert article.text.startswith("The water board of the lowland region of Saltmarsh")


def test_html_without_main_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><script>load()</script></body></html>", encoding="utf-8")
    _, rejects = read(path)
    assert [r.reason for r in rejects] == ["no main text found in HTML"]


# --- WARC ------------------------------------------------------------------------------------

CRAWL_URLS = [
    "https://courier.example.org/lake-ferry",
    "https://belcourt.example.net/market",
    "https://oxley.example.com/footbridge.txt",
]


def test_warc_pages_become_articles_positioned_by_record_offset() -> None:
    path = FIXTURES / "crawl.warc"
    articles, rejects = read(path)
    assert [a.url for a in articles] == CRAWL_URLS
    assert [a.id for a in articles] == CRAWL_URLS
    data = path.read_bytes()
    for article in articles:
        assert data[int(article.position or "0") :].startswith(b"WARC/1.0")
    lake, market, plain = articles
    assert lake.outlet == "Mirewater Courier" and lake.published == dt.date(2016, 4, 4)
    assert "café on the upper floor" in market.text  # ISO-8859-1 page decoded by its charset
    assert plain.text.startswith("Councillors in the river town of Oxley")
    # Request, warcinfo, image and 404 records are not pages; the script-only page is a reject.
    assert [r.reason for r in rejects] == ["no main text found in HTML"]


def test_gzipped_warc_reads_the_same(tmp_path: Path) -> None:
    compressed = tmp_path / "crawl.warc.gz"
    with (FIXTURES / "crawl.warc").open("rb") as source, compressed.open("wb") as target:
        writer = WARCWriter(target, gzip=True)
        for record in ArchiveIterator(source):
            writer.write_record(record)
    articles, _ = read(compressed)
    assert [a.url for a in articles] == CRAWL_URLS


def test_truncated_warc_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    data = (FIXTURES / "crawl.warc").read_bytes()
    cut = data.index(b"WARC/1.0", data.index(b"belcourt.example.net"))
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(data[:cut] + b"NOT A WARC HEADER\r\n\r\ngarbage\r\n")
    articles, rejects = read(damaged)
    assert [a.url for a in articles] == CRAWL_URLS[:2]
    assert len(rejects) == 1 and rejects[0].reason.startswith("corrupt WARC after the record at")


# --- feeds -----------------------------------------------------------------------------------


def test_rss_entries_become_articles() -> None:
    articles, rejects = read(FIXTURES / "feed.rss")
    strike, library = articles
    assert strike.id == strike.url == "https://lanport.example.com/news/strike-ends"
    assert strike.title == "Lanport teachers end strike"
    assert strike.outlet == "Lanport Daily"
    assert strike.published == dt.date(2012, 7, 12)
    assert strike.text == (
        "Teachers in Lanport returned to their classrooms on Thursday after the city agreed"
        " to hire more staff.\nUnion leaders called the deal a fair compromise."
    )
    assert library.position == "3" and library.published == dt.date(2012, 7, 13)
    assert library.text.startswith("The central library of Lanport will stay open")
    assert "alert" not in library.text and "A short summary" not in library.text
    assert reasons(rejects) == {"2": "bad date 'sometime last week': not a recognised date"}


def test_atom_entries_use_published_then_updated() -> None:
    articles, rejects = read(FIXTURES / "feed.atom")
    assert rejects == []
    assert [(a.id, a.published, a.url) for a in articles] == [
        (
            "urn:example:corvan-herald:1001",
            dt.date(2013, 3, 1),
            "https://corvan.example.net/assembly-merger",
        ),
        (
            "urn:example:corvan-herald:1002",
            dt.date(2013, 3, 2),
            "https://corvan.example.net/border",
        ),
    ]
    assert articles[0].outlet == "Corvan Herald"


@pytest.mark.parametrize("name", ["bomb.xml", "external_entity.rss"])
def test_xml_bombs_and_external_entities_are_refused(name: str) -> None:
    articles, [reject] = read(FIXTURES / name)
    assert articles == []
    assert reject.reason == "unsafe XML refused (EntitiesForbidden)"


def test_xml_that_is_not_a_feed_is_rejected() -> None:
    _, [reject] = read(FIXTURES / "catalog.xml")
    assert reject.reason == "XML root <catalog> is not an RSS or Atom feed"


# --- dates -----------------------------------------------------------------------------------

TODAY = dt.date(2020, 6, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2012-07-12", dt.date(2012, 7, 12)),
        ("2012-07-12T10:00:00Z", dt.date(2012, 7, 12)),
        ("2012-07-12T23:30:00-05:00", dt.date(2012, 7, 12)),
        ("Thu, 12 Jul 2012 08:15:00 +0000", dt.date(2012, 7, 12)),
        ("Thu, 12 Jul 2012 08:15:00 GMT", dt.date(2012, 7, 12)),
        ("20120712", dt.date(2012, 7, 12)),
        (20120712, dt.date(2012, 7, 12)),
        ("2012/07/12", dt.date(2012, 7, 12)),
        ("12 July 2012", dt.date(2012, 7, 12)),
        ("July 12, 2012", dt.date(2012, 7, 12)),
        ("2012-07-12 10:00:00", dt.date(2012, 7, 12)),
        (dt.datetime(2012, 7, 12, 5), dt.date(2012, 7, 12)),
        (None, None),
        ("  ", None),
    ],
)
def test_parse_date_accepts_common_formats(value: object, expected: dt.date | None) -> None:
    assert parse_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12/07/2012", "not a recognised date"),
        ("2012-13-45", "not a recognised date"),
        (True, "not a recognised date"),
        (["2012-07-12"], "not a recognised date"),
        ("1899-12-31", "before 1900"),
        ("2021-06-02", "more than a year in the future"),
    ],
)
def test_parse_date_refuses_unusable_dates(value: object, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_date(value, today=TODAY)


def test_a_year_ahead_is_still_accepted() -> None:
    assert parse_date("2021-06-01", today=TODAY) == dt.date(2021, 6, 1)


def test_date_window_filters_silently_and_keeps_undated(tmp_path: Path) -> None:
    path = tmp_path / "window.jsonl"
    path.write_text(
        '{"id": "early", "text": "Early story.", "date": "2012-01-01"}\n'
        '{"id": "inside", "text": "Inside story.", "date": "2012-06-01"}\n'
        '{"id": "late", "text": "Late story.", "date": "2013-01-01"}\n'
        '{"id": "undated", "text": "Undated story."}\n'
        '{"id": "bad", "text": "Badly dated story.", "date": "32 Smarch"}\n',
        encoding="utf-8",
    )
    articles, rejects = read(path, date_from=dt.date(2012, 3, 1), date_to=dt.date(2012, 12, 31))
    assert [a.id for a in articles] == ["inside", "undated"]
    assert [r.doc_id for r in rejects] == ["bad"]


# --- identity and duplicates -----------------------------------------------------------------


def test_duplicates_are_caught_across_files_of_one_read(tmp_path: Path) -> None:
    copy = tmp_path / "again.txt"
    shutil.copy(FIXTURES / "text" / "harbour_vote.txt", copy)
    articles, rejects = read(FIXTURES / "text" / "harbour_vote.txt", copy)
    assert [a.id for a in articles] == ["harbour_vote"]
    assert [r.reason for r in rejects] == ["duplicate of harbour_vote (same text)"]
    # A second read starts afresh.
    assert [a.id for a in read(copy)[0]] == ["again"]


def test_same_id_with_different_text_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "report.txt").write_text("The first report.", encoding="utf-8")
    (tmp_path / "b" / "report.txt").write_text("A different report.", encoding="utf-8")
    articles, [reject] = read(tmp_path)
    assert [a.text for a in articles] == ["The first report."]
    assert reject.reason.startswith("duplicate id report (first used at ")


def test_url_fragment_does_not_make_a_new_document(tmp_path: Path) -> None:
    path = tmp_path / "frag.jsonl"
    path.write_text(
        '{"text": "One page.", "url": "https://x.example/p"}\n'
        '{"text": "The same page, another anchor.", "url": "https://x.example/p#comments"}\n',
        encoding="utf-8",
    )
    articles, [reject] = read(path)
    assert [a.id for a in articles] == ["https://x.example/p"]
    assert reject.reason == "duplicate of https://x.example/p (same URL)"


# --- directories, dispatch, stdin ------------------------------------------------------------


def test_directory_walk_is_sorted_recursive_and_skips_hidden_files() -> None:
    results = list(read_paths([FIXTURES / "mixed"]))
    assert [
        (
            Path(r.source_file or "").name if isinstance(r, Article) else Path(r.file).name,
            r.position,
        )
        for r in results
    ] == [
        ("a_notes.md", "1"),
        ("b_council.txt", "1"),
        ("c_scan.txt", "1"),
        ("wire.jsonl", "1"),
        ("wire.jsonl", "2"),
        ("wire.jsonl", "3"),
    ]
    assert results == list(read_paths([FIXTURES / "mixed"]))


def test_good_input_survives_the_bad_input_around_it() -> None:
    articles, rejects = read(FIXTURES / "mixed")
    assert [a.id for a in articles] == ["a_notes", "b_council", "wire-1", "wire-3"]
    assert [r.reason for r in rejects] == [
        "binary or non-UTF-8 content",
        "invalid JSON on line 2: Expecting value at column 26",
    ]


def test_whole_fixture_tree_reads_without_raising() -> None:
    articles, rejects = read(FIXTURES)
    assert len(articles) == 24
    assert all(a.source_file and a.position for a in articles)
    assert len({a.id for a in articles}) == len(articles)
    assert all(r.reason for r in rejects)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"WARC/1.0\r\nWARC-Type: warcinfo", "warc"),
        (b'\n  {"id": 1}', "jsonl"),
        (b'[{"id": 1}]', "json"),
        (b"<!DOCTYPE html><html>", "html"),
        (b'<?xml version="1.0"?><rss version="2.0">', "feed"),
        (b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        (b"Just some words.", "text"),
    ],
)
def test_sniffing_files_without_a_telling_extension(head: bytes, kind: str) -> None:
    assert sniff(head) == kind


def test_extensionless_feed_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "download"
    shutil.copy(FIXTURES / "feed.atom", path)
    articles, _ = read(path)
    assert [a.title for a in articles] == [
        "Assembly postpones district merger",
        "Border crossing reopens",
    ]


def test_stdin_json_lines() -> None:
    stream = io.BytesIO(
        b'\n  {"id": "s1", "text": "A story piped in."}\n'
        b'not json\n{"id": "s2", "text": "Another."}\n'
    )
    articles, rejects = split(read_stdin(stream))
    assert [(a.id, a.source_file, a.position) for a in articles] == [
        ("s1", "<stdin>", "2"),
        ("s2", "<stdin>", "4"),
    ]
    assert reasons(rejects) == {"3": "invalid JSON on line 3: Expecting value at column 1"}


def test_stdin_plain_text_is_one_document() -> None:
    stream = io.BytesIO(b"\nThe council met.\nIt voted.\n")
    [article], _ = split(read_stdin(stream))
    assert (article.id, article.text, article.source_file) == (
        "stdin",
        "The council met.\nIt voted.",
        "<stdin>",
    )


def test_dash_among_paths_reads_stdin_in_order() -> None:
    stream = io.BytesIO(b"Piped text between two files.")
    articles, _ = read(
        FIXTURES / "semicolon.csv", "-", FIXTURES / "text" / "harbour_vote.txt", stdin=stream
    )
    assert [a.id for a in articles] == ["s-1", "stdin", "harbour_vote"]


# --- helpers and properties ------------------------------------------------------------------


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    fragment = "<p>One &amp; two.</p><script>x()</script><ul><li>Three</li><li>Four</li></ul>"
    assert html_to_text(fragment) == "One & two.\nThree\nFour"


def test_clean_text_normalises_line_breaks_and_drops_controls() -> None:
    assert clean_text("a\r\nb\rc\x07d\x1b") == "a\nb\ncd"


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".txt", ".jsonl", ".csv", ".json"]))
def test_arbitrary_bytes_never_raise(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"fuzz{suffix}"
        path.write_bytes(data)
        results = list(read_paths([path]))
    assert all(isinstance(item, Article | Reject) for item in results)
    for item in results:
        if isinstance(item, Article):
            assert item.text and "\x00" not in item.text


@settings(max_examples=100, deadline=None)
@given(
    lines=st.lists(
        st.one_of(
            st.fixed_dictionaries(
                {"text": st.text(max_size=80)},
                optional={
                    "id": st.one_of(st.text(max_size=8), st.integers()),
                    "date": st.one_of(st.text(max_size=12), st.integers(), st.none()),
                    "url": st.text(max_size=12),
                },
            ),
            st.text(max_size=30),
        ),
        max_size=8,
    )
)
def test_arbitrary_json_lines_account_for_every_line(lines: list[object]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.jsonl"
        path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
        results = list(read_paths([path], language_check=False))
    assert len(results) == len(lines)
