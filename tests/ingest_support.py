"""Test helpers for the store, ingest and export tests: coders and corpus generators.

Two coders, for two kinds of test:

* The fake coder is deterministic and instant: it finds known actor names and verbs in each
  sentence by plain substring search, so tests of the *plumbing* (batches, workers, crashes,
  dedup, exports) do not depend on spaCy or on the dictionaries' coverage.
* The real coder (`make_real_coder`) is what users run; the acceptance tests use it on
  `news_docs`, short news-like documents written with real actor names and verbs that the
  built-in dictionaries code.

Both factories are importable by module name, so worker processes can unpickle them. When
TACITUS_TEST_CODER_LOG names a file, the coder appends each coded article's id to it, which
lets the crash test kill a run part-way through coding.

`main(CORPUS, DB, WORKERS, BATCH, CODER)` ingests with the `fake` or `real` setup (coder and
reader): the crash tests run it in a subprocess that they can SIGKILL.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tacitus.ingest import CoderLike, coder_version
from tacitus.records import ActorRef, Article, EventRecord

#: Actor name -> (country, sector, CAMEO actor code).
ACTORS: dict[str, tuple[str, str | None, str]] = {
    "Syrian government": ("SYR", "GOV", "SYRGOV"),
    "Turkish army": ("TUR", "MIL", "TURMIL"),
    "Iraqi rebels": ("IRQ", "REB", "IRQREB"),
    "Russian diplomats": ("RUS", "GOV", "RUSGOV"),
    "French police": ("FRA", "COP", "FRACOP"),
    "United Nations": ("IGO", None, "IGOUNO"),
}

#: Verb -> (CAMEO code, PLOVER type, Goldstein, QuadClass). Synonyms share a base code so
#: differently worded reports of one event deduplicate.
VERBS: dict[str, tuple[str, str, float, int]] = {
    "accused": ("112", "ACCUSE", -2.0, 3),
    "blamed": ("112", "ACCUSE", -2.0, 3),
    "charged": ("1121", "ACCUSE", -2.0, 3),
    "met": ("040", "CONSULT", 1.0, 1),
    "held talks with": ("040", "CONSULT", 1.0, 1),
    "attacked": ("190", "ASSAULT", -10.0, 4),
    "shelled": ("195", "ASSAULT", -10.0, 4),
    "praised": ("051", "COOPERATE", 3.4, 1),
    "demanded aid from": ("0211", "REQUEST", 3.4, 1),
}

_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_SENTENCE = re.compile(r"[^.!?]+[.!?]")
_PLACES = {
    "Damascus": ("SYR", 33.5102, 36.29128, 170654),
    "Ankara": ("TUR", 39.91987, 32.85427, 323786),
}


def _refs(sentence: str, offset: int, start: int, end: int) -> list[ActorRef]:
    found = []
    for name, (code, sector, cameo) in ACTORS.items():
        at = sentence.find(name, start, end)
        if at >= 0:
            found.append(
                (at, ActorRef(code, sector, cameo, name, offset + at, offset + at + len(name)))
            )
    return [ref for _, ref in sorted(found, key=lambda pair: pair[0])]


def _place(sentence: str) -> dict[str, object] | None:
    for name, (iso3, lat, lon, geonames_id) in _PLACES.items():
        if f"in {name}" in sentence:
            return {
                "name": name,
                "country_iso3": iso3,
                "admin1": None,
                "lat": lat,
                "lon": lon,
                "geonames_id": geonames_id,
                "kind": "city",
                "text": name,
                "start": 0,
                "end": 0,
            }
    return None


class FakeCoder:
    """Codes '<actor> <verb> <actor> ... YYYY-MM-DD' sentences; anything else yields nothing."""

    def __init__(self, verbs: Iterable[str] | None = None) -> None:
        self.verbs = {verb: VERBS[verb] for verb in (verbs or VERBS)}
        self.version = "fake-coder " + ("all" if verbs is None else "+".join(sorted(self.verbs)))

    def code_article(self, article: Article) -> list[EventRecord]:
        if "EXPLODE" in article.text:
            raise RuntimeError("the fake coder refuses this text")
        records: list[EventRecord] = []
        for index, match in enumerate(_SENTENCE.finditer(article.text)):
            records.extend(self._code_sentence(article, index, match.group(), match.start()))
        return records

    def code_articles(
        self, articles: Iterable[Article]
    ) -> Iterator[tuple[Article, list[EventRecord]]]:
        for article in articles:
            yield article, self.code_article(article)

    def _code_sentence(
        self, article: Article, index: int, sentence: str, offset: int
    ) -> list[EventRecord]:
        records: list[EventRecord] = []
        for verb, (code, plover, goldstein, quad) in self.verbs.items():
            at = sentence.find(f" {verb} ")
            if at < 0:
                continue
            sources = _refs(sentence, offset, 0, at)
            targets = _refs(sentence, offset, at + len(verb) + 1, len(sentence))
            if not sources:
                continue
            date = _DATE.search(sentence)
            records.append(
                EventRecord(
                    id=f"{article.id}-e{index}-{len(records)}",
                    doc_id=article.id,
                    date=date.group(1) if date else None,
                    date_source="text" if date else None,
                    event=plover,
                    mode=None,
                    context=["fake"] if plover == "ASSAULT" else [],
                    actor=sources[:1],
                    recipient=targets[:1],
                    cameo_code=code,
                    goldstein=goldstein,
                    quad_class=quad,
                    sentence_index=index,
                    sentence_text=sentence.strip(),
                    sentence_start=offset,
                    event_text=verb,
                    event_start=offset + at + 1,
                    event_end=offset + at + 1 + len(verb),
                    rule=f"fake:{verb}",
                    confidence=0.5,
                    place=_place(sentence),
                )
            )
        return records


class LoggedCoder:
    """A coder that appends each article's id to a file once it is coded: the crash tests'
    clock, which tells them how far a run in another process has got."""

    def __init__(self, coder: CoderLike, log: Path) -> None:
        self.coder = coder
        self.log = log
        # The wrapped coder's version, so logged and unlogged runs store the same articles.
        self.version = coder_version(coder)

    def _logged(self, article: Article) -> None:
        with self.log.open("a", encoding="utf-8") as handle:
            handle.write(f"{article.id}\n")

    def code_article(self, article: Article) -> list[EventRecord]:
        records = self.coder.code_article(article)
        self._logged(article)
        return records

    def code_articles(
        self, articles: Iterable[Article]
    ) -> Iterator[tuple[Article, list[EventRecord]]]:
        for article, records in self.coder.code_articles(articles):
            self._logged(article)
            yield article, records


#: The environment variable naming the file a coder logs coded article ids to.
CODER_LOG_VARIABLE = "TACITUS_TEST_CODER_LOG"


def _logged_if_asked(coder: CoderLike) -> CoderLike:
    log = os.environ.get(CODER_LOG_VARIABLE)
    return LoggedCoder(coder, Path(log)) if log else coder


def make_fake_coder() -> CoderLike:
    """The fake coder, as a factory ingest can hand to worker processes."""
    return _logged_if_asked(FakeCoder())


def make_accusing_coder() -> FakeCoder:
    """A coder that knows only accusations: what a changed dictionary looks like to recode."""
    return FakeCoder(verbs=["accused", "blamed", "charged"])


@functools.cache
def _built_coder() -> CoderLike:
    """The real coder, built once per process: loading spaCy and the dictionaries is slow."""
    from tacitus.events.coder import build_coder

    return build_coder()


def make_real_coder() -> CoderLike:
    """The coder users run (built-in dictionaries), as a picklable factory."""
    return _logged_if_asked(_built_coder())


# --- corpora -------------------------------------------------------------------------------

_FILLER = [
    "Officials spoke to reporters after the meeting.",
    "The statement was read out on state television.",
    "Observers said the situation remained tense across the region.",
    "Witnesses described long queues at the border crossings.",
    "Analysts expect further talks in the coming weeks.",
]


@dataclass(frozen=True)
class Doc:
    """One generated document, as a JSON Lines row."""

    id: str
    url: str
    outlet: str
    published: str
    text: str

    def row(self) -> dict[str, str]:
        return {
            "id": self.id,
            "url": self.url,
            "outlet": self.outlet,
            "published": self.published,
            "title": f"Report {self.id}",
            "text": self.text,
        }


def _day(n: int) -> str:
    """Document number `n`'s publication day: they cycle through March 2024."""
    return f"2024-03-{1 + n % 28:02d}"


def _doc(n: int, sentences: Sequence[str]) -> Doc:
    """Document number `n`: its sentences and a last one naming its number, so that no two
    texts are alike."""
    text = " ".join([*sentences, f"This is report number {n} in the series."])
    return Doc(f"doc{n:04d}", f"https://news.example/{n}", f"outlet{n % 5}", _day(n), text)


def generated_docs(count: int, seed: int = 7) -> list[Doc]:
    """`count` documents for the fake coder: two to four event sentences among filler."""
    rng = random.Random(seed)
    actors, verbs = sorted(ACTORS), sorted(VERBS)
    docs = []
    for n in range(count):
        day = _day(n)
        sentences = []
        for _ in range(rng.randint(2, 4)):
            source, target = rng.sample(actors, 2)
            verb = rng.choice(verbs)
            sentences.append(f"The {source} {verb} the {target} on {day}.")
            sentences.append(rng.choice(_FILLER))
        docs.append(_doc(n, sentences))
    return docs


#: Countries as news copy names them: the noun ("France") and the adjective ("French troops").
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("Brazil", "Brazilian"),
    ("China", "Chinese"),
    ("Egypt", "Egyptian"),
    ("France", "French"),
    ("Germany", "German"),
    ("India", "Indian"),
    ("Iran", "Iranian"),
    ("Israel", "Israeli"),
    ("Japan", "Japanese"),
    ("Kenya", "Kenyan"),
    ("Nigeria", "Nigerian"),
    ("Pakistan", "Pakistani"),
    ("Russia", "Russian"),
    ("Syria", "Syrian"),
    ("Turkey", "Turkish"),
    ("Ukraine", "Ukrainian"),
)

#: One-event sentences the built-in dictionaries code: {a}/{adj} is the source country's noun
#: or adjective, {b}/{badj} the target's. Some name a city, so places get resolved too.
NEWS_SENTENCES: tuple[str, ...] = (
    "{a} urged {b} to act.",
    "{a} called on {b} to release the prisoners.",
    "{adj} troops attacked {b}.",
    "{a} accused {b} of sabotage.",
    "{a} criticized {b}.",
    "{a} condemned {b}.",
    "{a} praised {b}.",
    "{adj} officials praised {b}.",
    "{a} met with {b}.",
    "{a} held talks with {b}.",
    "{a} held talks with {b} in Geneva.",
    "{a} threatened {b} with sanctions.",
    "{a} signed an agreement with {b} in Vienna.",
    "{a} sent aid to {b}.",
    "{a} apologized to {b}.",
    "{a} expelled {badj} diplomats.",
    "{adj} police arrested {badj} protesters in Brussels.",
)


def news_docs(count: int, seed: int = 11) -> list[Doc]:
    """`count` short news-like documents for the real coder: one to three event sentences
    between real countries, each followed half the time by a sentence of filler."""
    rng = random.Random(seed)
    docs = []
    for n in range(count):
        sentences = []
        for _ in range(rng.randint(1, 3)):
            (a, adj), (b, badj) = rng.sample(COUNTRIES, 2)
            sentences.append(rng.choice(NEWS_SENTENCES).format(a=a, adj=adj, b=b, badj=badj))
            if rng.random() < 0.5:
                sentences.append(rng.choice(_FILLER))
        docs.append(_doc(n, sentences))
    return docs


def write_jsonl(path: Path, docs: Iterable[Doc], extra_lines: Iterable[str] = ()) -> Path:
    """Write documents (and any raw extra lines, e.g. broken JSON) as a JSON Lines file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(doc.row()) for doc in docs]
    lines.extend(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_corpus(folder: Path, docs: Sequence[Doc], files: int = 4) -> Path:
    """A folder of `files` JSON Lines files sharing `docs` between them, plus one broken line
    per file (so every run meets rejects too)."""
    for number in range(files):
        write_jsonl(folder / f"part{number}.jsonl", docs[number::files], ["{not json"])
    return folder


#: What `main` runs, by coder name: the coder factory, and whether to check the language (a
#: check costs the instant fake coder's runs most of their time, leaving less to the writes).
SETUPS: dict[str, tuple[Callable[[], CoderLike], bool]] = {
    "fake": (make_fake_coder, False),
    "real": (make_real_coder, True),
}


def main(argv: list[str]) -> int:
    """Ingest CORPUS into DB with WORKERS workers, batches of BATCH and the CODER named (what
    the crash tests run and kill)."""
    from tacitus.ingest import ingest

    corpus, db, workers, batch, coder = argv
    factory, language_check = SETUPS[coder]
    ingest(
        [Path(corpus)],
        Path(db),
        workers=int(workers),
        batch_size=int(batch),
        coder_factory=factory,
        language_check=language_check,
        progress=False,
    )
    return 0
