"""Score the coder against the PLOVER gold-standard sentences (one gold event per sentence).

Each gold line is a single sentence with one hand-coded PLOVER event: its type (`event`), its
mode (`mode_v05b1`) and its source actors (`actor`, a list of {text, code, sector}). The
sentence is coded alone, with no publication date, and scored with these rules:

type hit
    The gold type is among the PLOVER types of the sentence's coded events. Records with no
    PLOVER type (plain CAMEO statements) contribute no type.
source country hit
    Candidates are the coded events whose type is the gold type; when there are none, every
    coded event of the sentence is a candidate (so a right actor with a wrong type still
    counts here: the two figures measure different parts of the coder). The sentence is a hit
    when some candidate's actor list holds an `ActorRef.code` equal to one of the gold actor
    codes. Codes are compared as written, with no mapping: PLOVER country codes, and the
    international codes (UNO, IGO, EUR, NGO, ...) exactly as the gold gives them. Sectors are
    not compared. A sentence with no coded event is a miss.
mode agreement (information)
    Among type hits: some coded event of the gold type has `mode` equal to the gold mode
    (no mode on both sides agrees). The gold uses the v0.5 mode names, so this figure also
    measures how far the two mode vocabularies agree.
extra types (information)
    Per sentence, the number of distinct coded PLOVER types other than the gold type; the
    report gives its mean over sentences.

Shares are over all sentences read, so a sentence the coder leaves empty counts against both
targets.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table

from tacitus.events.coder import Coder
from tacitus.records import EventRecord


@dataclass(frozen=True)
class GsrSentence:
    """One gold sentence: what the coder should find in it."""

    id: str
    text: str
    event: str
    mode: str | None
    actor_codes: tuple[str, ...]


@dataclass(frozen=True)
class SentenceResult:
    """How the coded events of one sentence compare with its gold event."""

    sentence: GsrSentence
    coded_types: tuple[str, ...]
    coded_sources: tuple[str, ...]
    type_hit: bool
    source_hit: bool
    mode_hit: bool

    @property
    def extra_types(self) -> tuple[str, ...]:
        return tuple(t for t in self.coded_types if t != self.sentence.event)


@dataclass
class TypeRow:
    """Per-type counts: sentences, type hits and source-country hits."""

    n: int = 0
    type_hits: int = 0
    source_hits: int = 0

    @property
    def type_recall(self) -> float:
        return self.type_hits / self.n if self.n else 0.0

    @property
    def source_rate(self) -> float:
        return self.source_hits / self.n if self.n else 0.0


@dataclass
class GsrReport:
    """The per-sentence results and the figures computed from them."""

    results: list[SentenceResult] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.results)

    @property
    def type_hits(self) -> int:
        return sum(r.type_hit for r in self.results)

    @property
    def source_hits(self) -> int:
        return sum(r.source_hit for r in self.results)

    @property
    def mode_hits(self) -> int:
        return sum(r.mode_hit for r in self.results)

    @property
    def type_hit_rate(self) -> float:
        return _share(self.type_hits, self.n)

    @property
    def source_country_rate(self) -> float:
        return _share(self.source_hits, self.n)

    @property
    def mode_agreement(self) -> float:
        """Share of type hits whose mode also agrees."""
        return _share(self.mode_hits, self.type_hits)

    @property
    def extra_types_per_sentence(self) -> float:
        return _share(sum(len(r.extra_types) for r in self.results), self.n)

    def per_type(self) -> dict[str, TypeRow]:
        rows: dict[str, TypeRow] = {}
        for result in self.results:
            row = rows.setdefault(result.sentence.event, TypeRow())
            row.n += 1
            row.type_hits += result.type_hit
            row.source_hits += result.source_hit
        return dict(sorted(rows.items()))

    def to_table(self) -> Table:
        table = Table("gold type", "n", "type hits", "source hits", "type recall",
                      "source rate", title="PLOVER gold-standard sentences")
        for name, row in self.per_type().items():
            table.add_row(name, str(row.n), str(row.type_hits), str(row.source_hits),
                          f"{row.type_recall:.3f}", f"{row.source_rate:.3f}")
        table.add_section()
        table.add_row("all", str(self.n), str(self.type_hits), str(self.source_hits),
                      f"{self.type_hit_rate:.3f}", f"{self.source_country_rate:.3f}")
        return table

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.n,
            "type_hit": round(self.type_hit_rate, 3),
            "type_hits": self.type_hits,
            "source_country": round(self.source_country_rate, 3),
            "source_hits": self.source_hits,
            "mode_agreement": round(self.mode_agreement, 3),
            "extra_types_per_sentence": round(self.extra_types_per_sentence, 3),
            "per_type": {
                name: {"n": row.n, "type_hits": row.type_hits,
                       "source_hits": row.source_hits,
                       "type_recall": round(row.type_recall, 3)}
                for name, row in self.per_type().items()
            },
            "type_missed": [r.sentence.id for r in self.results if not r.type_hit],
            "source_missed": [r.sentence.id for r in self.results if not r.source_hit],
        }


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def read_gsr(path: Path) -> list[GsrSentence]:
    """Gold sentences; a malformed line raises ValueError naming the file and line."""
    sentences: list[GsrSentence] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            sentences.append(GsrSentence(
                id=raw["id"],
                text=raw["text"],
                event=raw["event"],
                mode=raw.get("mode_v05b1"),
                actor_codes=tuple(a["code"] for a in raw.get("actor") or () if a.get("code")),
            ))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a gold sentence ({exc})") from exc
    return sentences


def score_sentence(sentence: GsrSentence, records: Sequence[EventRecord]) -> SentenceResult:
    """Compare one sentence's coded events with its gold event (rules in the module doc)."""
    of_type = [r for r in records if r.event == sentence.event]
    candidates = of_type or list(records)
    gold_codes = set(sentence.actor_codes)
    return SentenceResult(
        sentence=sentence,
        coded_types=tuple(sorted({r.event for r in records if r.event})),
        coded_sources=tuple(sorted({a.code for r in candidates for a in r.actor})),
        type_hit=bool(of_type),
        source_hit=any(a.code in gold_codes for r in candidates for a in r.actor),
        mode_hit=any(r.mode == sentence.mode for r in of_type),
    )


def evaluate_plover_gsr(path: Path, coder: Coder) -> GsrReport:
    """Code every gold sentence on its own (no publication date) and score it."""
    report = GsrReport()
    for sentence in read_gsr(path):
        records = coder.code_text(sentence.text, None, sentence.id)
        report.results.append(score_sentence(sentence, records))
    return report
