"""Test helpers for the store, ingest and export tests: a fake coder and a corpus generator.

The fake coder is deterministic and fast: it finds known actor names and verbs in each
sentence by plain substring search, so tests of the *plumbing* (batches, workers, crashes,
dedup, exports) do not depend on spaCy or on the dictionaries' coverage. It is importable by
module name so worker processes can unpickle its factory.

`main(CORPUS, DB, WORKERS, BATCH)` ingests with the fake coder: the crash test runs it in a
subprocess that it can SIGKILL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tacitus.records import ActorRef, Article, EventRecord, Reject
from tacitus.sources import read_paths

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

    def __init__(self, log: Path | None = None, verbs: Iterable[str] | None = None) -> None:
        self.log = log
        self.verbs = {verb: VERBS[verb] for verb in (verbs or VERBS)}
        self.version = "fake-coder " + ("all" if verbs is None else "+".join(sorted(self.verbs)))

    def code_article(self, article: Article) -> list[EventRecord]:
        if "EXPLODE" in article.text:
            raise RuntimeError("the fake coder refuses this text")
        records: list[EventRecord] = []
        for index, match in enumerate(_SENTENCE.finditer(article.text)):
            records.extend(self._code_sentence(article, index, match.group(), match.start()))
        if self.log is not None:
            with self.log.open("a", encoding="utf-8") as handle:
                handle.write(f"{article.id}\n")
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


def make_fake_coder() -> FakeCoder:
    """The coder factory the tests hand to ingest (picklable: a module-level function).

    TACITUS_FAKE_CODER_LOG names a file the coder appends each coded article's id to, which
    lets the crash test kill a run part-way through coding.
    """
    log = os.environ.get("TACITUS_FAKE_CODER_LOG")
    return FakeCoder(Path(log) if log else None)


def make_accusing_coder() -> FakeCoder:
    """A coder that knows only accusations: what a changed dictionary looks like to recode."""
    return FakeCoder(verbs=["accused", "blamed", "charged"])


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


def generated_docs(count: int, seed: int = 7) -> list[Doc]:
    """`count` documents of two to four event sentences among filler, all different."""
    rng = random.Random(seed)
    actors, verbs = sorted(ACTORS), sorted(VERBS)
    docs = []
    for n in range(count):
        day = f"2024-03-{1 + n % 28:02d}"
        sentences = []
        for _ in range(rng.randint(2, 4)):
            source, target = rng.sample(actors, 2)
            verb = rng.choice(verbs)
            sentences.append(f"The {source} {verb} the {target} on {day}.")
            sentences.append(rng.choice(_FILLER))
        sentences.append(f"This is report number {n} in the series.")
        docs.append(
            Doc(
                f"doc{n:04d}",
                f"https://news.example/{n}",
                f"outlet{n % 5}",
                day,
                " ".join(sentences),
            )
        )
    return docs


def write_jsonl(path: Path, docs: Iterable[Doc], extra_lines: Iterable[str] = ()) -> Path:
    """Write documents (and any raw extra lines, e.g. broken JSON) as a JSON Lines file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(doc.row()) for doc in docs]
    lines.extend(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_corpus(folder: Path, count: int, files: int = 4, seed: int = 7) -> Path:
    """A folder of `files` JSON Lines files holding `count` generated documents, plus one
    broken line per file (so every run meets rejects too)."""
    docs = generated_docs(count, seed)
    for number in range(files):
        write_jsonl(folder / f"part{number}.jsonl", docs[number::files], ["{not json"])
    return folder


def english_reader(
    paths: Sequence[Path], *, date_from: dt.date | None, date_to: dt.date | None
) -> Iterator[Article | Reject]:
    """The real reader without its language check: generated corpora are English by
    construction, and the check is slow and (langdetect being randomised) not reproducible."""
    return read_paths(paths, date_from=date_from, date_to=date_to, language_check=False)


def main(argv: list[str]) -> int:
    """Ingest a corpus with the fake coder (what the crash test runs and kills)."""
    from tacitus.ingest import ingest

    corpus, db, workers, batch = argv
    ingest(
        [Path(corpus)],
        Path(db),
        workers=int(workers),
        batch_size=int(batch),
        coder_factory=make_fake_coder,
        reader=english_reader,
        progress=False,
    )
    return 0
