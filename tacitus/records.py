"""The records that flow through Tacitus: articles in, events out, rejects on the side.

Every stage speaks in these types, so a reader, the coder, the store and the exporters can be
developed and tested apart. They are plain dataclasses with a `to_dict` that gives the JSON
shape users see (PLOVER's field names, CAMEO's beside them).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Evidence = Literal["asserted", "claimed"]
Modality = Literal["asserted", "negated", "hypothetical", "conditional", "future"]


@dataclass(frozen=True)
class Article:
    """One document to code: the unit every reader produces and every stage consumes."""

    id: str
    text: str
    published: dt.date | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    source_file: str | None = None
    position: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        return data


@dataclass(frozen=True)
class Reject:
    """An input that could not be coded, kept so that nothing is lost silently."""

    file: str
    position: str
    reason: str
    doc_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.position}" if self.position else self.file
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ActorRef:
    """An actor as coded: PLOVER country and sector, the full CAMEO code, and where it was."""

    code: str
    sector: str | None
    cameo: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        """Spelled out rather than `dataclasses.asdict`, whose deep copy of each field cost a
        large store write half its time (every event holds several of these)."""
        return {
            "code": self.code,
            "sector": self.sector,
            "cameo": self.cameo,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class EventRecord:
    """One coded event, with everything needed to explain it."""

    id: str
    doc_id: str
    date: str | None
    date_source: str | None
    event: str | None
    mode: str | None
    context: list[str]
    actor: list[ActorRef]
    recipient: list[ActorRef]
    cameo_code: str
    goldstein: float | None
    quad_class: int | None
    sentence_index: int
    sentence_text: str
    sentence_start: int
    event_text: str
    event_start: int
    event_end: int
    rule: str
    confidence: float
    evidence: Evidence = "asserted"
    claimed_by: list[ActorRef] = field(default_factory=list)
    modality: Modality = "asserted"
    place: dict[str, Any] | None = None
    explain: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape, a copy the caller may change. Built field by field: a deep copy
        of every field (`dataclasses.asdict`) was most of the cost of writing events out."""
        data = {name: getattr(self, name) for name in _EVENT_FIELDS}
        for key in _ACTOR_LISTS:
            data[key] = [ref.to_dict() for ref in data[key]]
        data["context"] = list(self.context)
        data["place"] = copy.deepcopy(self.place)
        if self.explain:
            data["explain"] = list(self.explain)
        else:
            data.pop("explain")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventRecord:
        """Rebuild a record from its JSON shape (the store and the Dask shards use this)."""
        values = {k: v for k, v in data.items() if k in _EVENT_FIELDS}
        for key in _ACTOR_LISTS:
            values[key] = [ActorRef(**item) for item in values.get(key) or []]
        values.setdefault("explain", [])
        return cls(**values)


#: EventRecord's field names, and those holding lists of actors.
_EVENT_FIELDS = tuple(f.name for f in dataclasses.fields(EventRecord))
_ACTOR_LISTS = ("actor", "recipient", "claimed_by")
