"""Resolve stage: the date the text gives for an event and the place it happened."""

from tacitus.resolve.dates import DateResolution, resolve_event_date, resolve_expression
from tacitus.resolve.places import Place, is_place_mention, resolve_event_place

__all__ = [
    "DateResolution",
    "Place",
    "is_place_mention",
    "resolve_event_date",
    "resolve_event_place",
    "resolve_expression",
]
