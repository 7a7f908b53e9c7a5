"""The coder under hostile input: limits before and after parsing, a deadline that works in any
thread, invisible characters, absurd dates, and a property over generated text."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.checks import event_problems
from fuzz.strategies import prose
from tacitus.cli.main import main
from tacitus.events.coder import Coder
from tacitus.ingest import _code_batch
from tacitus.limits import LimitExceeded, Limits, code_within_limits
from tacitus.records import Article, EventRecord
from tacitus.sources import read_paths
from tests.ingest_support import make_real_coder

DAY = dt.date(2012, 7, 12)


@pytest.fixture(scope="module")
def coder() -> Coder:
    built = make_real_coder()
    assert isinstance(built, Coder)
    return built


def _article(name: str, text: str, published: dt.date | None = DAY) -> Article:
    return Article(id=name, text=text, published=published, source_file=f"{name}.txt",
                   position="1")


# --- resuming after a document over a limit --------------------------------------------------


class ReadAhead:
    """A batch coder that pulls `ahead` articles before yielding, as spaCy's `pipe` does, and
    refuses any article whose text starts with "BAD" when its turn comes."""

    def __init__(self, ahead: int) -> None:
        self.ahead = ahead
        self.coded: list[str] = []

    def code_articles(
        self, articles: Iterable[Article]
    ) -> Iterator[tuple[Article, list[EventRecord]]]:
        source = iter(articles)
        buffer: list[Article] = []
        while True:
            while len(buffer) < self.ahead and (article := next(source, None)) is not None:
                buffer.append(article)
            if not buffer:
                return
            article = buffer.pop(0)
            if article.text.startswith("BAD"):
                raise LimitExceeded(f"{article.id} is bad")
            self.coded.append(article.id)
            yield article, []


@pytest.mark.parametrize("ahead", [1, 3, 32])
def test_coding_resumes_right_after_each_refused_article(ahead: int) -> None:
    texts = ["ok", "BAD", "ok", "ok", "BAD", "BAD", "ok"] * 3
    articles = (Article(id=f"a{n}", text=text) for n, text in enumerate(texts))  # a stream
    coder = ReadAhead(ahead)
    results = list(code_within_limits(coder, articles))
    assert [a.id for a, _ in results] == [f"a{n}" for n in range(len(texts))]
    refused = [str(r) for _, r in results if isinstance(r, LimitExceeded)]
    assert refused == [f"a{n} is bad" for n, t in enumerate(texts) if t == "BAD"]
    assert coder.coded == [f"a{n}" for n, t in enumerate(texts) if t == "ok"]  # each once


def test_a_batch_keeps_its_good_documents_and_rejects_each_over_a_limit(coder: Coder) -> None:
    batch = [
        _article("good1", "Russia attacked Ukraine."),
        _article("huge", "Russia urged Ukraine to act. " * 7000),
        _article("run_on", "Russia and Ukraine and China " * 200),
        _article("tokens", "Russia and China and France " * 170 + "attacked Ukraine."),
        _article("surrogate", "Russia \ud800 attacked Ukraine."),
        _article("word", "Russia attacked Ukraine. " + "(" * 2000),
        _article("good2", "China met Japan."),
    ]
    coded, rejects = _code_batch(coder, batch, language_check=True)
    assert [c.article.id for c in coded] == ["good1", "good2"]
    assert all(c.events for c in coded)
    assert [(r.file, r.position, r.doc_id) for r in rejects] == [
        (f"{name}.txt", "1", name)
        for name in ("huge", "run_on", "tokens", "surrogate", "word")
    ]
    reasons = [r.reason for r in rejects]
    assert reasons[0].startswith("document too large: 203,000 characters (limit 200,000;")
    assert reasons[1].startswith("sentence too long: 5,800 characters without a sentence end")
    assert "tokens in sentence 1 (limit 400; raise with --max-sentence-tokens" in reasons[2]
    assert reasons[3] == "not Unicode text: a lone surrogate ('\\ud800') at character 7"
    assert reasons[4].startswith("word too long: 2,000 characters without white space, from"
                                 " character 25 (limit 1,000; raise with --max-word-chars")


# --- memory over a long run ------------------------------------------------------------------


def test_words_first_met_while_coding_leave_spacys_vocabulary(coder: Coder) -> None:
    """spaCy keeps every new word it parses; a run over a large corpus would grow with it. The
    coder forgets them after each article and each batch, and its events keep their text."""
    coder.code_article(_article("warm", "Russia attacked Ukraine."))
    strings = coder.nlp.vocab.strings
    before = len(strings)
    names = [f"Vrelnakko{n}" for n in range(6)]
    alone = coder.code_article(_article("alone", f"Russia attacked {names[0]} in Ukraine."))
    batch = [_article(name, f"China accused Japan of hiding {name} and {name}ville.")
             for name in names[1:]]
    coded, rejects = _code_batch(coder, batch, language_check=True)
    assert len(strings) == before
    assert not rejects
    assert alone and names[0] in alone[0].sentence_text
    assert [c.article.id for c in coded] == names[1:]
    assert all(name in c.events[0].sentence_text for name, c in zip(names[1:], coded, strict=True))
    # What the test rests on: parsed outside the coder, the same words would have stayed.
    coder.nlp(" ".join(names))
    assert len(strings) > before


def test_tacitus_code_forgets_the_new_words_of_its_input(
    coder: Coder, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """`tacitus code` over a large input codes it a hundred articles per memory zone."""
    (tmp_path / "warm.txt").write_text("Russia attacked Ukraine.")
    assert main(["code", str(tmp_path / "warm.txt")]) == 0
    strings = coder.nlp.vocab.strings  # the CLI's coder loads the same cached model
    before = len(strings)
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(150):
        (folder / f"{n:03d}.txt").write_text(f"China accused Japan of hiding Qelmo{n}.")
    capsys.readouterr()
    assert main(["code", str(folder), "--format", "jsonl"]) == 0
    printed = capsys.readouterr()
    assert len(strings) == before
    assert [n for n in range(150) if f"hiding Qelmo{n}." in printed.out] == list(range(150))


def test_the_deadline_stops_a_slow_document_in_a_worker_thread(coder: Coder) -> None:
    """The deadline is checked between sentences, so it works where `signal.alarm` cannot:
    in a thread (Dask workers code in threads)."""
    hasty = Coder(coder.dictionaries, options=coder.options, nlp=coder.nlp,
                  limits=Limits(max_seconds_per_document=1e-9))
    outcome: list[BaseException | list[EventRecord]] = []

    def work() -> None:
        try:
            outcome.append(hasty.code_text("Russia attacked Ukraine. China met Japan. "
                                           "Iran praised Syria."))
        except LimitExceeded as error:
            outcome.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    [error] = outcome
    assert isinstance(error, LimitExceeded)
    assert str(error).startswith("too slow: coding passed 1e-09 s before sentence ")
    assert "--max-seconds-per-document or TACITUS_MAX_SECONDS_PER_DOCUMENT" in str(error)
    assert coder.code_text("Russia attacked Ukraine.")  # the shared coder is unaffected


# --- invisible characters and absurd dates ---------------------------------------------------


def test_invisible_characters_are_cleaned_by_the_readers_so_names_still_code(
    coder: Coder, tmp_path: Path,
) -> None:
    path = tmp_path / "story.txt"
    path.write_text("\ufeffRus\u200bsia at\u00adtacked Ukr\u200daine\u202e yesterday.\u202c")
    [article] = read_paths([path])
    assert isinstance(article, Article)
    assert article.text == "Russia attacked Ukraine yesterday."
    [event] = coder.code_article(article)
    assert (event.actor[0].cameo, event.recipient[0].cameo) == ("RUS", "UKR")
    assert article.text[event.event_start:event.event_end] == event.event_text == "attacked"


def test_absurd_dates_never_date_an_event(coder: Coder) -> None:
    [written] = coder.code_text("Russia attacked Ukraine on 0001-05-03.", DAY)
    assert (written.date, written.date_source) == ("2012-07-12", "publication")
    [published] = coder.code_text("Russia attacked Ukraine yesterday.", dt.date(9999, 12, 31))
    assert (published.date, published.date_source) == (None, "none")


# --- the command line ------------------------------------------------------------------------


def test_tacitus_code_skips_a_document_over_a_limit_and_codes_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "a.txt").write_text("Russia attacked Ukraine.")
    (tmp_path / "b.txt").write_text("Russia, China and France " * 20 + "attacked Ukraine.")
    (tmp_path / "c.txt").write_text("China met Japan.")
    assert main(["code", str(tmp_path), "--max-sentence-tokens", "50"]) == 0
    printed = capsys.readouterr()
    assert printed.out.count('"cameo_code"') == 2
    errors = " ".join(printed.err.split())  # rich wraps long lines
    assert "skipped" in errors and "b.txt:1: sentence too long: 103 tokens" in errors
    assert "2 document(s) coded, 1 skipped" in errors


def test_tacitus_ingest_takes_limits_as_options(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "short.txt").write_text("Russia attacked Ukraine.")
    (tmp_path / "in" / "long.txt").write_text("Officials spoke to reporters after it. " * 5)
    db = tmp_path / "t.duckdb"
    assert main(["ingest", str(tmp_path / "in"), "--db", str(db),
                 "--max-document-chars", "100", "--max-document-bytes", "1000"]) == 0
    with duckdb.connect(str(db), read_only=True) as conn:
        assert conn.execute("SELECT id FROM articles").fetchall() == [("short",)]
        [(reason,)] = conn.execute("SELECT reason FROM rejects").fetchall()
    assert reason.startswith("document too large: 194 characters (limit 100;")
    assert main(["ingest", str(tmp_path / "in"), "--db", str(db),
                 "--max-sentence-tokens", "-1"]) == 2


# --- property --------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=prose(), published=st.none() | st.dates())
def test_any_text_gives_events_that_fit_it_or_a_clean_refusal(
    text: str, published: dt.date | None
) -> None:
    coder = make_real_coder()
    try:
        records = coder.code_article(Article(id="any", text=text, published=published))
    except LimitExceeded as error:
        assert str(error)
        return
    for record in records:
        assert event_problems(record, text) == []


def test_the_coder_takes_its_limits_from_the_environment_unless_given(
    coder: Coder, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TACITUS_MAX_SENTENCE_TOKENS", "77")
    assert Coder(coder.dictionaries, nlp=coder.nlp).limits.max_sentence_tokens == 77
    given = Limits(max_sentence_tokens=5)
    assert Coder(coder.dictionaries, nlp=coder.nlp, limits=given).limits is given
