"""Where an event happened, and telling a place apart from an actor.

A place name is where an event happened when it is the object of a locative preposition in the
event's clause: "said at a press conference *in Phnom Penh*", "*In Damascus*, a statement
said". The same name as a subject ("*Moscow* believed") is an actor, the government speaking;
`is_place_mention` gives the actor stage that distinction so it does not code a dateline as a
country acting. Prepositions, entity labels and nouns come from data/resolve/places.yaml; the
names are looked up in the offline gazetteer (`tacitus.resolve.gazetteer`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from spacy.tokens import Span, Token

from tacitus.resolve._data import load_mapping, str_list
from tacitus.resolve.clause import anchors, attachment
from tacitus.resolve.gazetteer import (
    LOOKUP_MODES,
    GazetteerEntry,
    LookupMode,
    PlaceKind,
    gazetteer,
)


@dataclass(frozen=True)
class Place:
    """An event's place: the gazetteer's name and codes, and the mention's document offsets.

    A place the text names but the gazetteer does not know ("the Gaza border crossing") keeps
    its name with kind 'unknown' and no codes. `kind` says how precise the coordinates are:
    only cities have lat/lon; a country or US state has codes but no point.
    """

    name: str
    country_iso3: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    start: int
    end: int
    text: str
    kind: PlaceKind

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape kept on `EventRecord.place`."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class PlaceRules:
    """data/resolve/places.yaml's word lists."""

    locative_prepositions: frozenset[str]
    place_labels: frozenset[str]
    non_place_labels: frozenset[str]
    place_nouns: frozenset[str]
    place_link_labels: frozenset[str]
    naming_preposition: str
    lookup_by_label: dict[str, LookupMode]

    def lookup_mode(self, label: str) -> LookupMode:
        """How far to trust a gazetteer match for a mention with this entity label."""
        return self.lookup_by_label.get(label, self.lookup_by_label["default"])


@lru_cache(maxsize=1)
def place_rules() -> PlaceRules:
    data = load_mapping("places.yaml")
    return PlaceRules(
        locative_prepositions=str_list(data, "locative_prepositions"),
        place_labels=str_list(data, "place_labels"),
        non_place_labels=str_list(data, "non_place_labels"),
        place_nouns=str_list(data, "place_nouns"),
        place_link_labels=str_list(data, "place_link_labels"),
        naming_preposition=str(data["naming_preposition"]),
        lookup_by_label=_lookup_modes(data["lookup_by_label"]),
    )


def _lookup_modes(raw: object) -> dict[str, LookupMode]:
    """Check `lookup_by_label`: every mode known, and a default present."""
    if not isinstance(raw, dict) or "default" not in raw:
        raise ValueError("lookup_by_label: expected a mapping with a 'default' entry")
    modes: dict[str, LookupMode] = {}
    for label, mode in raw.items():
        if mode not in LOOKUP_MODES:
            raise ValueError(f"lookup_by_label: unknown mode {mode!r} for {label!r}")
        modes[str(label)] = mode
    return modes


def _lookup(mention: Span, prefer_countries: frozenset[str] = frozenset()) -> GazetteerEntry | None:
    """The gazetteer entry for a mention, trusted as far as its entity label allows.

    A trailing place noun inside the entity ("Montenegro province") is dropped if the whole
    name is unknown.
    """
    rules = place_rules()
    mode = rules.lookup_mode(mention.label_)
    entry = gazetteer().lookup(mention.text, prefer_countries, mode)
    if entry is None and len(mention) > 1 and mention[-1].lower_ in rules.place_nouns:
        entry = gazetteer().lookup(mention[:-1].text, prefer_countries, mode)
    return entry


class SentencePlaces:
    """A sentence's place mentions and which of them stand in a locative phrase: they do not
    depend on the event, so a sentence's events share them (`sentence_places`)."""

    def __init__(self, mentions: list[Span]) -> None:
        self.mentions = mentions
        self.located = [m for m in mentions if _is_locative(m.root)]

    @cached_property
    def nearby(self) -> frozenset[str]:
        """Countries the sentence names (gazetteer work: only asked when a place is located)."""
        return _countries_named(self.mentions)


def sentence_places(sentence: Span, entities: Sequence[Span] | None = None) -> SentencePlaces:
    """The place mentions of a sentence; `entities` are its named entities when known."""
    return SentencePlaces(_mentions(sentence, entities))


def resolve_event_place(sentence: Span, trigger: Token,
                        entities: Sequence[Span] | None = None,
                        places: SentencePlaces | None = None) -> Place | None:
    """The place of the event whose trigger is `trigger`, or None when its clause names none.

    Of the locative place mentions in the trigger's clause, the one hanging closest to the
    trigger wins; on a tie, one the gazetteer knows, then the first in the sentence. `places`
    is the sentence's `sentence_places` when the caller places several of its events.
    """
    if places is None:
        places = sentence_places(sentence, entities)
    located = places.located
    if not located:
        return None  # most sentences: no place phrase at all, so no gazetteer work
    chain = anchors(trigger)
    nearby = places.nearby
    best: tuple[tuple[int, int], bool, int] | None = None
    chosen: Place | None = None
    for mention in located:
        rank = attachment(mention.root, chain)
        if rank is None:
            continue
        entry = _lookup(mention, nearby)
        if entry is None and mention.label_ not in place_rules().place_labels:
            continue
        key = (rank, entry is None, mention.start)
        if best is None or key < best:
            best, chosen = key, _place(mention, entry)
    return chosen


def is_place_mention(mention: Token | Span) -> bool:
    """True when `mention` names a place where something happens, not an actor.

    That is a place name (by entity label, or known to the gazetteer) that is the object of a
    locative preposition, directly or through "the city of", an apposition or a list.
    """
    span = _mention_of(mention) if isinstance(mention, Token) else mention
    if not _is_locative(span.root):
        return False
    return span.label_ in place_rules().place_labels or _lookup(span) is not None


def _mentions(sentence: Span, entities: Sequence[Span] | None = None) -> list[Span]:
    """Named entities that may be places, and unlabelled proper-noun names, in order.
    `entities` are the sentence's named entities when the caller has them."""
    ignored = place_rules().non_place_labels
    found = [ent for ent in (sentence.ents if entities is None else entities)
             if ent.label_ not in ignored]
    for token in sentence:
        if token.pos_ == "PROPN" and not token.ent_type_ and token.dep_ != "compound":
            found.append(_name_span(token))
    return sorted(found, key=lambda span: span.start)


def _mention_of(token: Token) -> Span:
    """The entity a token is part of, or the proper-noun name it ends."""
    for ent in token.sent.ents:
        if ent.start <= token.i < ent.end:
            return ent
    while token.dep_ == "compound" and token.head.i != token.i:
        token = token.head
    return _name_span(token)


def _name_span(token: Token) -> Span:
    """A proper noun with the compound names before it ("Phnom Penh")."""
    start = token.i
    while start > token.sent.start and token.doc[start - 1].dep_ == "compound":
        start -= 1
    return token.doc[start : token.i + 1]


def _is_locative(token: Token) -> bool:
    """True when `token` is the object of a locative preposition, or linked to one.

    Links: "the city *of* Homs" (via a place noun), "outside *of* Basra", "Homs, *Syria*"
    (apposition), "Homs and *Hama*" (list) all inherit the locative reading of the word they
    hang from.
    """
    rules = place_rules()
    current = token
    while current.head.i != current.i:
        head = current.head
        if current.dep_ == "pobj":
            if head.lower_ in rules.locative_prepositions:
                return True
            if head.lower_ != rules.naming_preposition or head.head.i == head.i:
                return False
            governor = head.head
            if governor.lower_ in rules.locative_prepositions:  # "outside of Basra"
                return True
            if governor.lemma_.lower() not in rules.place_nouns:
                return False
            current = governor
        elif current.dep_ in rules.place_link_labels:
            current = head
        else:
            return False
    return False


def _countries_named(mentions: list[Span]) -> frozenset[str]:
    """ISO2 codes of countries named in the sentence, to settle which 'Homs' or 'Damascus'."""
    codes = set()
    for mention in mentions:
        entry = _lookup(mention)
        if entry is not None and entry.kind == "country":
            codes.add(entry.country_iso2)
    return frozenset(codes)


def _place(mention: Span, entry: GazetteerEntry | None) -> Place:
    """The Place for a mention, with the gazetteer's codes when it knows the name."""
    return Place(
        name=entry.name if entry else mention.text,
        country_iso3=entry.country_iso3 if entry else None,
        admin1=entry.admin1 if entry else None,
        lat=entry.lat if entry else None,
        lon=entry.lon if entry else None,
        geonames_id=entry.geonames_id if entry else None,
        start=mention.start_char,
        end=mention.end_char,
        text=mention.text,
        kind=entry.kind if entry else "unknown",
    )
