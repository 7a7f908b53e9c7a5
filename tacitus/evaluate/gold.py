"""Score coded events against a gold file of expected and forbidden events.

The rules are those of the project's gold format: an expected event is matched by a record
whose sentence contains the gold anchor, whose type is acceptable (PLOVER type in `plover`, or
CAMEO root in `cameo_root`), and whose actor and recipient lists each contain an acceptable
code (and sector, when the gold names sectors). Precision counts every record except plain
statements (CAMEO root 01 with no PLOVER type); forbidden lines name types that must not be
coded from a sentence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tacitus.records import ActorRef, EventRecord

ANY_TYPE = "*"


@dataclass(frozen=True)
class GoldEvent:
    doc: str
    id: str
    anchor: str
    plover: tuple[str, ...]
    cameo_root: tuple[str, ...]
    source: dict[str, Any] | None
    target: dict[str, Any] | None
    must: bool
    forbidden: tuple[str, ...] = ()

    @property
    def is_forbidden(self) -> bool:
        return bool(self.forbidden)


@dataclass
class Score:
    """The figures a gold file asks for, with the ids behind each."""

    must_total: int = 0
    must_found: list[str] = field(default_factory=list)
    all_total: int = 0
    all_found: list[str] = field(default_factory=list)
    scored_records: int = 0
    matched_records: int = 0
    forbidden_hits: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    @property
    def must_recall(self) -> float:
        return len(self.must_found) / self.must_total if self.must_total else 0.0

    @property
    def all_recall(self) -> float:
        return len(self.all_found) / self.all_total if self.all_total else 0.0

    @property
    def precision(self) -> float:
        return self.matched_records / self.scored_records if self.scored_records else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "must_recall": round(self.must_recall, 3),
            "must": f"{len(self.must_found)}/{self.must_total}",
            "all_recall": round(self.all_recall, 3),
            "all": f"{len(self.all_found)}/{self.all_total}",
            "precision": round(self.precision, 3),
            "records": f"{self.matched_records}/{self.scored_records}",
            "forbidden_hits": len(self.forbidden_hits),
            "forbidden": self.forbidden_hits,
            "missed": sorted(set(self.unmatched)),
        }


def read_gold(path: Path) -> list[GoldEvent]:
    """Gold lines; a malformed line raises ValueError naming the file and line."""
    events: list[GoldEvent] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            events.append(GoldEvent(
                doc=raw["doc"],
                id=raw["id"],
                anchor=raw["anchor"],
                plover=tuple(raw.get("plover") or ()),
                cameo_root=tuple(raw.get("cameo_root") or ()),
                source=raw.get("source"),
                target=raw.get("target"),
                must=bool(raw.get("must", False)),
                forbidden=tuple(raw.get("forbidden") or ()),
            ))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a gold event ({exc})") from exc
    return events


def _type_ok(gold: GoldEvent, record: EventRecord) -> bool:
    return (record.event is not None and record.event in gold.plover) or (
        record.cameo_code[:2] in gold.cameo_root
    )


def _actor_ok(spec: dict[str, Any] | None, actors: Sequence[ActorRef]) -> bool:
    if spec is None:
        return True
    countries = set(spec.get("country") or ())
    sectors = set(spec.get("sector") or ())
    return any(
        a.code in countries and (not sectors or a.sector in sectors) for a in actors
    )


def matches(gold: GoldEvent, record: EventRecord) -> bool:
    """Does this record code this expected event?"""
    return (
        record.doc_id == gold.doc
        and gold.anchor in record.sentence_text
        and _type_ok(gold, record)
        and _actor_ok(gold.source, record.actor)
        and _actor_ok(gold.target, record.recipient)
    )


def breaks(gold: GoldEvent, record: EventRecord) -> bool:
    """Does this record code something a forbidden line rules out?"""
    if record.doc_id != gold.doc or gold.anchor not in record.sentence_text:
        return False
    return ANY_TYPE in gold.forbidden or (record.event in gold.forbidden)


def is_plain_statement(record: EventRecord) -> bool:
    return record.cameo_code.startswith("01") and record.event is None


def score(gold: Iterable[GoldEvent], records: Sequence[EventRecord]) -> Score:
    """Must recall, all recall, precision and forbidden hits, as the gold format defines."""
    result = Score()
    expected = [g for g in gold if not g.is_forbidden]
    forbidden = [g for g in gold if g.is_forbidden]
    docs = {g.doc for g in expected} | {g.doc for g in forbidden}
    records = [r for r in records if r.doc_id in docs]
    for event in expected:
        found = any(matches(event, r) for r in records)
        result.all_total += 1
        if found:
            result.all_found.append(event.id)
        else:
            result.unmatched.append(event.id)
        if event.must:
            result.must_total += 1
            if found:
                result.must_found.append(event.id)
    for record in records:
        for line in forbidden:
            if breaks(line, record):
                result.forbidden_hits.append(f"{line.id}: {record.cameo_code} {record.event}")
        if is_plain_statement(record):
            continue
        result.scored_records += 1
        if any(matches(event, record) for event in expected):
            result.matched_records += 1
    return result
