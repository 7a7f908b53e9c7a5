"""Resolve stage: the date the text gives for an event and the place it happened."""

from tacitus.resolve.dates import (
    DateMention,
    DateResolution,
    date_mentions,
    resolve_event_date,
    resolve_expression,
)
from tacitus.resolve.places import (
    Place,
    SentencePlaces,
    is_place_mention,
    resolve_event_place,
    sentence_places,
)

__all__ = [
    "DateMention",
    "DateResolution",
    "Place",
    "SentencePlaces",
    "date_mentions",
    "is_place_mention",
    "resolve_event_date",
    "resolve_event_place",
    "resolve_expression",
    "sentence_places",
]
