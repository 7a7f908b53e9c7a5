"""Readers under hostile input: limits, resynchronisation, storable names, and properties.

The property tests draw from `fuzz.strategies` (the fuzz campaign's generators) with few
examples each; `python -m fuzz.campaign` runs the same generators by the thousand.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.checks import article_problems, reject_problems
from fuzz.strategies import FILE_STRATEGIES
from tacitus.limits import BadLimit, Limits
from tacitus.records import Article, Reject
from tacitus.sources import read_paths, read_stdin
from tacitus.sources.common import DateError, bounded_lines, parse_date
from tacitus.store import CodedArticle, Store

SMALL = Limits(max_document_bytes=200, max_file_bytes=1000)
GOOD = "The council met on Monday and approved the new harbour timetable."


def read(*paths: Path, **options: Any) -> tuple[list[Article], list[Reject]]:
    articles: list[Article] = []
    rejects: list[Reject] = []
    for item in read_paths(list(paths), language_check=False, **options):
        if isinstance(item, Article):
            articles.append(item)
        else:
            rejects.append(item)
    return articles, rejects


def where(rejects: Iterable[Reject]) -> list[tuple[str, str]]:
    return [(r.position, r.reason) for r in rejects]


# --- limits --------------------------------------------------------------------------------


def test_limits_come_from_the_environment_and_bad_values_say_which() -> None:
    limits = Limits.from_env({"TACITUS_MAX_SENTENCE_TOKENS": "600",
                              "TACITUS_MAX_SECONDS_PER_DOCUMENT": "2.5"})
    assert (limits.max_sentence_tokens, limits.max_seconds_per_document) == (600, 2.5)
    assert limits.max_document_chars == Limits().max_document_chars
    with pytest.raises(BadLimit, match="TACITUS_MAX_DOCUMENT_CHARS='lots' is not a whole"):
        Limits.from_env({"TACITUS_MAX_DOCUMENT_CHARS": "lots"})
    with pytest.raises(BadLimit, match="max_sentence_chars must be positive"):
        Limits(max_sentence_chars=0)


def test_a_json_line_over_the_limit_is_one_reject_and_never_held_whole(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    huge = json.dumps({"id": "huge", "text": "x " * 5000})
    path.write_text("\n".join([json.dumps({"id": "a", "text": GOOD}), huge,
                               json.dumps({"id": "b", "text": GOOD + " Again."})]))
    articles, rejects = read(path, limits=SMALL)
    assert [a.id for a in articles] == ["a", "b"]
    [(position, reason)] = where(rejects)
    assert position == "2"
    assert reason.startswith("document too large: more than 200 bytes (limit 200;")
    assert "--max-document-bytes or TACITUS_MAX_DOCUMENT_BYTES" in reason
    lines = list(bounded_lines(io.BytesIO(huge.encode() + b"\nnext\n"), 200))
    assert [len(line) for line in lines] == [201, 5]  # the long line cut, the next one whole


def test_whole_files_over_their_limit_are_refused_without_reading_them_whole(
    tmp_path: Path,
) -> None:
    (tmp_path / "big.txt").write_text(GOOD * 10)
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 10_000_000))
    (tmp_path / "feed.rss").write_text("<rss><channel>" + "<item/>" * 200 + "</channel></rss>")
    (tmp_path / "small.txt").write_text(GOOD)
    articles, rejects = read(tmp_path, limits=SMALL)
    assert [a.id for a in articles] == ["small"]
    assert [(Path(r.file).name, r.position, r.reason.split(" (")[0]) for r in rejects] == [
        ("big.txt", "1", "document too large: more than 200 bytes"),
        ("bomb.txt.gz", "1", "document too large: more than 200 bytes"),
        ("feed.rss", "", "document too large: more than 1,000 bytes"),
    ]


def test_standard_input_over_the_limit_is_one_reject() -> None:
    articles, rejects = read(Path("-"), stdin=io.BytesIO(b"\n" + GOOD.encode() * 10),
                             limits=SMALL)
    assert articles == [] and where(rejects) == [("1", rejects[0].reason)]
    assert rejects[0].reason.startswith("document too large")


# --- CSV: strict quotes, and reading on after a broken row -----------------------------------


def test_an_unclosed_quote_costs_its_own_row_not_the_rows_it_would_swallow(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dump.csv"
    path.write_text(
        "id,text\n"
        "1,The first story of the dump.\n"
        '2,"A quote that never closes, then\n'
        '3,"The third story, quoted."\n'
        "4,The fourth story.\n"
        '5,"The last story, cut off in the mid'
    )
    articles, rejects = read(path)
    assert [(a.id, a.position) for a in articles] == [("1", "2"), ("3", "4"), ("4", "5")]
    assert where(rejects) == [
        ("3", "malformed row: ',' expected after '\"'"),
        ("6", "malformed row: unexpected end of data"),
    ]


def test_a_csv_field_over_the_limit_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    path.write_text('id,text\n1,"' + "word\n" * 100 + '"\n2,Next story.\n')
    articles, rejects = read(path, limits=SMALL)
    assert [a.id for a in articles] == ["2"]
    assert [(r.position, r.reason.split(" (")[0]) for r in rejects] == [
        ("2", "document too large: more than 200 bytes")
    ]


@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".csv", ".tsv"])
def test_a_binary_file_under_a_text_name_is_one_reject(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"image{suffix}"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    assert read(path) == ([], [Reject(str(path), "", "binary or non-UTF-8 content")])


# --- names and fields that could not be stored -------------------------------------------------


def test_undecodable_file_names_and_lone_surrogates_become_storable_text(
    tmp_path: Path,
) -> None:
    folder = os.fsencode(tmp_path)
    with open(folder + b"/caf\xe9.txt", "wb") as handle:
        handle.write(GOOD.encode())
    with open(folder + b"/fields.jsonl", "wb") as handle:
        handle.write(b'{"id": "\\udc00x", "title": "T\\ud800", "url": "https://x.example/\\udfff",'
                     b' "text": "Another council met on Tuesday."}\n')
    articles, rejects = read(tmp_path)
    assert rejects == []
    named, fields = sorted(articles, key=lambda a: a.id)
    assert named.source_file == f"{tmp_path}/caf\\xe9.txt" and named.id == "caf\\xe9"
    assert (fields.id, fields.title, fields.url) == (
        "\ufffdx", "T\ufffd", "https://x.example/\ufffd")
    with Store.open(tmp_path / "t.duckdb") as store:  # both store without complaint
        assert store.write_batch([CodedArticle(a, [], "v") for a in articles]).articles == 2


def test_pipes_and_other_non_files_are_rejected_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")  # opening it would block for ever
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere")
    (tmp_path / "story.txt").write_text(GOOD)
    articles, rejects = read(tmp_path)
    assert [a.id for a in articles] == ["story"]
    assert sorted((Path(r.file).name, r.reason.split(" (")[0]) for r in rejects) == [
        ("dangling.txt", "not a regular file"),
        ("pipe.jsonl", "not a regular file"),
    ]


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "Mon, 01 Jan 0001 00:00:00 +0000", "Tue, 01 Jan 999 00:00:00 GMT", "0000-01-01",
    "99999-01-01", "1900-02-30", 1331510400000, "1331510400",
])
def test_absurd_publication_dates_are_refused(value: object) -> None:
    with pytest.raises(DateError):
        parse_date(value, today=dt.date(2024, 1, 1))


def test_two_digit_rfc822_years_are_still_read() -> None:
    assert parse_date("Thu, 12 Jul 12 08:15:00 GMT") == dt.date(2012, 7, 12)


# --- properties ------------------------------------------------------------------------------


def _read_generated(suffix: str, data: bytes) -> list[Article | Reject]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"input{suffix}"
        path.write_bytes(data)
        return list(read_paths([path]))


@pytest.mark.parametrize("kind", sorted(FILE_STRATEGIES))
def test_any_generated_file_gives_storable_articles_and_rejects(kind: str) -> None:
    """Whatever the bytes, a reader gives articles and rejects (never an exception), and
    every one of them can be coded, stored and shown."""

    @settings(max_examples=40, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(FILE_STRATEGIES[kind])
    def check(case: tuple[str, bytes]) -> None:
        for item in _read_generated(*case):
            problems = (article_problems(item) if isinstance(item, Article)
                        else reject_problems(item))
            assert problems == [], (item, problems)

    check()


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(sorted(FILE_STRATEGIES)), min_size=2, max_size=4).flatmap(
    lambda kinds: st.tuples(*(FILE_STRATEGIES[k] for k in kinds))))
def test_a_bad_file_never_costs_the_files_around_it(files: tuple[tuple[str, bytes], ...]) -> None:
    """Each file of a folder reads as it reads alone: the same documents and rejects at the
    same places (a document repeated across files turns into a duplicate reject in place)."""
    with tempfile.TemporaryDirectory() as directory:
        paths = []
        for number, (suffix, data) in enumerate(files):
            paths.append(Path(directory) / f"{number}{suffix}")
            paths[-1].write_bytes(data)
        together = list(read_paths([directory], language_check=False))
        alone = [item for path in paths for item in read_paths([path], language_check=False)]
    assert _keys(together) == _keys(alone)


def _keys(items: list[Article | Reject]) -> list[tuple[str, str]]:
    return [(i.source_file or "", i.position or "") if isinstance(i, Article)
            else (i.file, i.position) for i in items]


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.binary(max_size=3000))
def test_standard_input_of_any_bytes_reads_without_raising(data: bytes) -> None:
    for item in read_stdin(io.BytesIO(data), language_check=False):
        assert (article_problems(item) if isinstance(item, Article)
                else reject_problems(item)) == []
