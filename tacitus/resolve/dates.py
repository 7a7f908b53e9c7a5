"""The date an event happened, as the text gives it, resolved against the publication date.

Other coders stamp every event with the article's date; a text that says "yesterday" or "on
Tuesday" is then a day or more off. Here the date expression nearest the event's trigger, in
the trigger's own clause, is read and turned into a calendar date:

- relative days ("yesterday", "last night", "tonight") are offsets from publication;
- weekday names are the latest such day on or before publication when the clause is past (a
  paper out on Tuesday that says "on Tuesday" means that day, as wire style has it), the first
  one on or after publication when the clause is future ("will meet on Friday"); "last"/"next"
  before the name make it strictly before/after;
- month names without a year ("in April") are that month of the publication year, or of the
  year before when the month is still to come and the clause is past (the year after for a
  future clause and a month already gone);
- explicit dates are taken as written.

Week- and year-level phrases ("last week", "in 2010") name no day or month; like no date at
all, they leave the event on the publication date (`source="publication"`). Without a
publication date, a relative expression cannot be resolved and nothing is invented
(`source="none"`). The vocabulary lives in data/resolve/relative_dates.yaml.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from spacy.tokens import Span, Token

from tacitus.resolve._data import int_map, load_mapping, str_list
from tacitus.resolve.clause import anchors, attachment

DateSource = Literal["text", "publication", "none"]
Direction = Literal["past", "future"]

_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORD = re.compile(r"[a-z]+|\d+|'[a-z]+")
_YEAR_RANGE = range(1800, 2200)
_DAY_RANGE = range(1, 32)


@dataclass(frozen=True)
class DateResolution:
    """An event's date: ISO day ('2012-07-10') or month ('2012-04'), and where it came from.

    `text`, `start` and `end` point at the date expression used (document character offsets),
    so a reader can check the resolution against the sentence; they are None when the date is
    not from the text.
    """

    date: str | None
    source: DateSource
    text: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class DateVocabulary:
    """data/resolve/relative_dates.yaml, checked and indexed once."""

    relative_days: dict[str, int]
    relative_months: dict[str, int]
    weekdays: dict[str, int]
    months: dict[str, int]
    direction_words: dict[str, Direction]
    future_auxiliaries: frozenset[str]
    entity_labels: frozenset[str]
    modifier_labels: frozenset[str]
    temporal_prepositions: frozenset[str]
    head_words: frozenset[str]  # words that can head a date expression left unlabelled


@lru_cache(maxsize=1)
def vocabulary() -> DateVocabulary:
    data = load_mapping("relative_dates.yaml")
    directions = data["direction_words"]
    if not isinstance(directions, dict) or not set(directions.values()) <= {"past", "future"}:
        raise ValueError("direction_words: expected a mapping of words to past/future")
    relative_days = int_map(data, "relative_days")
    relative_months = int_map(data, "relative_months")
    weekdays = int_map(data, "weekdays")
    months = int_map(data, "months")
    phrase_heads = {phrase.split()[-1] for phrase in (*relative_days, *relative_months)}
    return DateVocabulary(
        relative_days=relative_days,
        relative_months=relative_months,
        weekdays=weekdays,
        months=months,
        direction_words={str(k).lower(): v for k, v in directions.items()},
        future_auxiliaries=str_list(data, "future_auxiliaries"),
        entity_labels=str_list(data, "entity_labels"),
        modifier_labels=str_list(data, "modifier_labels"),
        temporal_prepositions=str_list(data, "temporal_prepositions"),
        head_words=frozenset(phrase_heads | set(weekdays) | set(months)),
    )


@dataclass(frozen=True)
class DateMention:
    """A date expression of a sentence: `anchor` is the word by which it hangs in the parse
    (an entity's root, or the bare date word), `start` its first token."""

    anchor: Token
    start: int
    span: Span


def resolve_event_date(sentence: Span, trigger: Token, published: dt.date | None,
                       entities: Sequence[Span] | None = None,
                       mentions: Sequence[DateMention] | None = None) -> DateResolution:
    """The date of the event whose trigger is `trigger`, from its clause or the publication.

    Candidates are ranked by how close they hang to the trigger (see `clause.attachment`);
    the closest one that resolves to a day or month wins. `mentions` are the sentence's
    `date_mentions` when the caller dates several events of one sentence.
    """
    if isinstance(published, dt.datetime):
        published = published.date()
    if published is not None and published.year not in _YEAR_RANGE:
        published = None  # an absurd publication date (year 1, 9999) dates nothing
    if mentions is None:
        mentions = date_mentions(sentence, entities)
    if mentions:  # most sentences name no date: no clause to walk
        chain = anchors(trigger)
        direction: Direction = "future" if _is_future(chain) else "past"
        for expression in _candidates(mentions, chain):
            date = resolve_expression(expression.text, published, direction)
            if date is not None:
                return DateResolution(
                    date, "text", expression.text, expression.start_char, expression.end_char
                )
    if published is None:
        return DateResolution(None, "none")
    return DateResolution(published.isoformat(), "publication")


def resolve_expression(
    text: str, published: dt.date | None, direction: Direction = "past"
) -> str | None:
    """Turn one date expression into an ISO day or month, or None if it names neither.

    `direction` is the tense of the clause it dates; it decides which Tuesday or which April
    is meant when the expression does not say.
    """
    iso = _ISO_DAY.search(text)
    if iso:
        return _iso_day(int(iso[1]), int(iso[2]), int(iso[3]))
    vocab = vocabulary()
    words = _WORD.findall(text.lower())
    for index, word in enumerate(words):
        if word in vocab.months:
            return _month_date(words, index, vocab.months[word], published, direction)
    if published is None:
        return None
    offset = _longest_phrase(words, vocab.relative_days)
    if offset is not None:
        return (published + dt.timedelta(days=offset)).isoformat()
    offset = _longest_phrase(words, vocab.relative_months)
    if offset is not None:
        return _shift_month(published.year, published.month, offset)
    for index, word in enumerate(words):
        if word in vocab.weekdays:
            said, strict = _direction_before(words, index, direction)
            return _weekday_date(published, vocab.weekdays[word], said, strict).isoformat()
    return None


def date_mentions(sentence: Span, entities: Sequence[Span] | None = None
                  ) -> list[DateMention]:
    """The sentence's date expressions, whichever event they may date: labelled entities, then
    bare date words. They do not depend on the trigger, so a sentence's events share them.
    `entities` are the sentence's named entities when the caller has them (`Span.ents` walks
    the document's)."""
    vocab = vocabulary()
    found = [DateMention(ent.root, ent.start, ent)
             for ent in (sentence.ents if entities is None else entities)
             if ent.label_ in vocab.entity_labels]
    found.extend(DateMention(token, token.i, token.doc[token.left_edge.i : token.i + 1])
                 for token in sentence
                 if _is_bare_date_word(token) and token.ent_type_ not in vocab.entity_labels)
    return found


def _candidates(mentions: Sequence[DateMention], chain: list[Token]) -> list[Span]:
    """Date expressions in the trigger's clause, closest to the trigger first."""
    ranked: list[tuple[tuple[int, int], int, Span]] = []
    for mention in mentions:
        rank = attachment(mention.anchor, chain)
        if rank is not None:
            ranked.append((rank, mention.start, mention.span))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [span for _, _, span in ranked]


def _is_bare_date_word(token: Token) -> bool:
    """A date word the model did not label: only trusted in a temporal slot.

    Names must be capitalised, so "a march in Cairo" is not March.
    """
    vocab = vocabulary()
    word = token.lower_
    if word not in vocab.head_words:
        return False
    if (word in vocab.months or word in vocab.weekdays) and not token.text[:1].isupper():
        return False
    if token.dep_ in vocab.modifier_labels:
        return True
    return token.dep_ == "pobj" and token.head.lower_ in vocab.temporal_prepositions


def _is_future(chain: list[Token]) -> bool:
    """True when the trigger's clause (or a verb it is the complement of) has a future aux.

    "will try to seize the town on Friday": the future marker sits on "try", above "seize".
    """
    future = vocabulary().future_auxiliaries
    verb = chain[-1]
    while True:
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in future for c in verb.children):
            return True
        if verb.dep_ != "xcomp":
            return False
        verb = verb.head


def _direction_before(words: list[str], index: int, tense: Direction) -> tuple[Direction, bool]:
    """The direction a name points in: a word before it ("last", "next") wins over tense.

    Returns the direction and whether it is strict (an explicit word excludes the
    publication day or month itself).
    """
    if index > 0:
        said = vocabulary().direction_words.get(words[index - 1])
        if said is not None:
            return said, True
    return tense, False


def _weekday_date(published: dt.date, weekday: int, direction: Direction, strict: bool) -> dt.date:
    """The named weekday nearest publication in `direction`."""
    if direction == "past":
        back = (published.weekday() - weekday) % 7 or (7 if strict else 0)
        return published - dt.timedelta(days=back)
    ahead = (weekday - published.weekday()) % 7 or (7 if strict else 0)
    return published + dt.timedelta(days=ahead)


def _month_date(
    words: list[str], index: int, month: int, published: dt.date | None, tense: Direction
) -> str | None:
    """A month name with the day and year around it ("July 10, 2012", "10 July", "in April")."""
    day = _day_next_to(words, index)
    year = next(
        (int(w) for w in words if len(w) == 4 and w.isdigit() and int(w) in _YEAR_RANGE), None
    )
    if year is None:
        if published is None:
            return None
        direction, strict = _direction_before(words, index, tense)
        year = _year_for(published, month, day, direction, strict)
    if day is None:
        return f"{year:04d}-{month:02d}"
    return _iso_day(year, month, day)


def _day_next_to(words: list[str], index: int) -> int | None:
    """The day number written after ("July 10") or before ("10 July") a month name."""
    for neighbour in (index + 1, index - 1):
        if 0 <= neighbour < len(words) and words[neighbour].isdigit():
            number = int(words[neighbour])
            if len(words[neighbour]) <= 2 and number in _DAY_RANGE:
                return number
    return None


def _year_for(
    published: dt.date, month: int, day: int | None, direction: Direction, strict: bool
) -> int:
    """The year of a month (and day) given without one, on the side of publication meant."""
    target = (month, day or 0)
    now = (published.month, published.day if day is not None else 0)
    if direction == "past":
        later = target >= now if strict else target > now
        return published.year - 1 if later else published.year
    earlier = target <= now if strict else target < now
    return published.year + 1 if earlier else published.year


def _longest_phrase(words: list[str], table: dict[str, int]) -> int | None:
    """The value of the longest phrase of `table` found as whole words in `words`."""
    padded = f" {' '.join(words)} "
    found = [phrase for phrase in table if f" {phrase} " in padded]
    if not found:
        return None
    return table[max(found, key=len)]


def _shift_month(year: int, month: int, offset: int) -> str:
    total = year * 12 + (month - 1) + offset
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def _iso_day(year: int, month: int, day: int) -> str | None:
    """An ISO day, or None for an impossible one ("February 30") or one outside the years
    news is about ("0001-01-01", a placeholder) rather than a guess."""
    if year not in _YEAR_RANGE:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
