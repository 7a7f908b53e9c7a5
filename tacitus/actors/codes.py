"""From a full CAMEO actor code to PLOVER's country and sector fields.

CAMEO writes an actor as three-letter chunks: a country or international prefix, then types
("SYRGOVMIL", "IGOUNO", "NGOARNGOV"). PLOVER keeps the country (or UNO/EUR/IGO/NGO for
international actors) and one sector. What each chunk means comes from the CAMEO actor-type
codebook (`tacitus/data/cameo/actor_types.tsv`).
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Doc

from tacitus.actors.matcher import CodedActor
from tacitus.codebook import actor_type_plover_code, actor_type_sector
from tacitus.dictionaries.yaml_actors import PloverActor, builtin_plover_fields
from tacitus.records import ActorRef


@cache
def _known_organisations() -> dict[str, PloverActor]:
    return builtin_plover_fields()


def _chunks(cameo: str) -> list[str]:
    return [cameo[i : i + 3] for i in range(0, len(cameo), 3)]


def plover_fields(cameo: str) -> tuple[str, str | None]:
    """(country, sector) for a CAMEO actor code; international actors get UNO/EUR/IGO/NGO.

    Organisations the built-in dictionary knows carry their PLOVER fields with them (the EU's
    bodies are EUR, peacekeepers MIL); other codes are read chunk by chunk.
    """
    known = _known_organisations()
    for length in range(len(cameo), 5, -3):
        if cameo[:length] in known:
            organisation = known[cameo[:length]]
            rest = _chunks(cameo[length:])
            extra = next((s for s in (actor_type_sector(c) for c in rest) if s), None)
            return organisation.country, extra or organisation.sector
    chunks = _chunks(cameo)
    if not chunks:
        return "---", None
    international = [actor_type_plover_code(c) for c in chunks]
    country = chunks[0]
    rest = chunks[1:]
    if international[0]:
        specific = [code for code in international if code]
        country = specific[1] if len(specific) > 1 and chunks[0] == "IGO" else specific[0]
    sector = next((s for s in (actor_type_sector(c) for c in rest) if s), None)
    return country, sector


def actor_ref(actor: CodedActor, doc: Doc, text: str) -> ActorRef:
    """The record form of a coded actor, with the text and character offsets it came from.

    `text` is `doc.text`, passed in because building it walks the whole document.

    A country named as a geopolitical entity ("the United States said", "Russia blocked")
    acts as its government, so its PLOVER sector is GOV; the CAMEO code stays the bare
    country code, as GDELT writes it. "Syrians" or "Syrian villagers" are not GPEs.
    """
    # Offsets and text straight from the document: `Span.text` walks every token.
    last = doc[actor.end - 1]
    start, end = doc[actor.start].idx, last.idx + len(last)
    country, sector = plover_fields(actor.cameo)
    head = doc[actor.head]
    if sector is None and len(actor.cameo) == 3 and country == actor.cameo and \
            head.ent_type_ == "GPE" and head.pos_ == "PROPN":
        sector = "GOV"
    return ActorRef(
        code=country,
        sector=sector,
        cameo=actor.cameo,
        text=text[start:end],
        start=start,
        end=end,
    )
