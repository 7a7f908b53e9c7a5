"""The records that flow through Tacitus: articles in, events out, rejects on the side.

Every stage speaks in these types, so a reader, the coder, the store and the exporters can be
developed and tested apart. They are plain dataclasses with a `to_dict` that gives the JSON
shape users see (PLOVER's field names, CAMEO's beside them).
"""

from __future__ import annotations

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
        return dataclasses.asdict(self)


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
        data = dataclasses.asdict(self)
        if not self.explain:
            data.pop("explain")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventRecord:
        """Rebuild a record from its JSON shape (the store and the Dask shards use this)."""
        values = dict(data)
        for key in ("actor", "recipient", "claimed_by"):
            values[key] = [ActorRef(**item) for item in values.get(key) or []]
        values.setdefault("explain", [])
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})
