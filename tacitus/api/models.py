"""The API's response and request shapes, as pydantic models.

Why models and not plain dicts: FastAPI turns them into the OpenAPI schema at /docs, which is
the contract the dashboard (and any other client) is written against, and schemathesis checks
every response against it. Deduplicated event ids are 62-bit integers, beyond what JavaScript
numbers hold exactly, so they travel as decimal strings.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from tacitus.codebook import plover_types

#: Longest text `POST /v1/code` accepts, in characters: coding is CPU-bound, a page of news is
#: a few thousand characters, and a whole book in one request would hold a worker for minutes.
MAX_CODE_TEXT = 100_000


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_only(value: Any) -> Any:
    """Refuse what pydantic would otherwise read as a date: `0` or `"1700000000"` are Unix
    timestamps to it, and an API that quietly turns them into 1970 dates misleads."""
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise ValueError("dates are written YYYY-MM-DD")


def _as_utc(value: dt.datetime) -> dt.datetime:
    """The store's timestamps are UTC without a zone; say so, so they read as RFC 3339."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


#: A date given as YYYY-MM-DD and nothing else.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
#: A timestamp in UTC, written with its zone (`...Z`).
UtcDatetime = Annotated[dt.datetime, AfterValidator(_as_utc)]


class ErrorBody(BaseModel):
    """Every error the API returns: a short name and a sentence a person can act on."""

    error: str = Field(examples=["invalid request"])
    detail: str = Field(examples=["query parameter 'limit': Input should be <= 1000"])


class Actor(BaseModel):
    """An actor as coded: PLOVER country and sector, full CAMEO code, text and offsets."""

    code: str
    sector: str | None
    cameo: str
    text: str
    start: int
    end: int


class Place(BaseModel):
    """Where an event happened, from the gazetteer (offsets point into the article text)."""

    model_config = ConfigDict(extra="allow")

    name: str | None = None
    country_iso3: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    kind: str | None = None
    text: str | None = None
    start: int | None = None
    end: int | None = None


class EventRecordOut(BaseModel):
    """One coded event in the JSON shape `tacitus code` prints (`EventRecord.to_dict`)."""

    id: str
    doc_id: str
    date: str | None
    date_source: str | None
    event: str | None
    mode: str | None
    context: list[str]
    actor: list[Actor]
    recipient: list[Actor]
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
    evidence: str
    claimed_by: list[Actor]
    modality: str
    place: Place | None


class CodeRequest(BaseModel):
    """Text to code, with what the coder uses to resolve dates ("yesterday") and identity."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_CODE_TEXT)
    date: IsoDate | None = Field(None, description="publication date (YYYY-MM-DD)")
    url: str | None = Field(None, max_length=2048)
    outlet: str | None = Field(None, max_length=200)
    id: str = Field("request", min_length=1, max_length=200, description="document id")


class CodeResponse(BaseModel):
    """The events coded from one text; nothing is stored."""

    doc_id: str
    count: int
    events: list[EventRecordOut]


class Side(BaseModel):
    """The first source or target of a deduplicated event (what dedup and dyads group on)."""

    code: str | None
    sector: str | None
    cameo: str | None
    name: str | None = Field(description="the actor's text as written in the root mention")


class EventSummary(BaseModel):
    """A deduplicated event (GDELT semantics): one happening, however many reports."""

    id: str = Field(description="global event id, a decimal string (62-bit integer)")
    event_date: dt.date | None
    event: str | None = Field(description="PLOVER event type")
    mode: str | None
    cameo_code: str
    cameo_name: str | None
    quad_class: int | None
    goldstein: float | None
    avg_goldstein: float | None
    modality: str
    source: Side | None
    target: Side | None
    num_mentions: int
    num_sources: int
    num_articles: int
    is_root_event: bool
    root_mention_id: str
    article_id: str = Field(description="the root mention's article (for /v1/articles/{id})")
    first_url: str | None
    first_outlet: str | None
    first_published: dt.date | None
    sentence_text: str = Field(description="the root mention's sentence")
    event_text: str = Field(description="the root mention's trigger words")
    place: Place | None
    date_added: UtcDatetime


class EventPage(BaseModel):
    """One page of a filtered, sorted event list, with the total across all pages."""

    total: int
    limit: int
    offset: int
    events: list[EventSummary]


class Mention(EventRecordOut):
    """One report of an event: the coded record plus its article."""

    mention_id: str
    article_id: str
    url: str | None
    outlet: str | None
    title: str | None
    published: dt.date | None
    is_root_mention: bool
    in_lead: bool


class EventDetail(EventSummary):
    """A deduplicated event with every mention of it."""

    mentions: list[Mention]


class TimelinePoint(BaseModel):
    """How many events one key (a QuadClass, a PLOVER type, ...) had in one period."""

    date: dt.date = Field(description="first day of the period")
    key: str | None = Field(description="the group's value as text; null for no PLOVER type")
    count: int = Field(description="deduplicated events")
    mentions: int
    mean_goldstein: float | None


class Timeline(BaseModel):
    """Counts per period and group, ordered by date then key; undated events are left out."""

    by: str
    interval: str
    points: list[TimelinePoint]


class ActorCount(BaseModel):
    """How often an actor is the source or the target of deduplicated events."""

    code: str
    sector: str | None
    cameo: str | None
    name: str | None = Field(description="its most frequent text as written")
    as_source: int
    as_target: int
    total: int
    mentions: int
    mean_goldstein: float | None


class ActorList(BaseModel):
    by: str
    actors: list[ActorCount]


class DyadCount(BaseModel):
    """Events from one source to one target (first actor and first recipient)."""

    source_code: str
    source_sector: str | None
    target_code: str
    target_sector: str | None
    count: int
    mentions: int
    mean_goldstein: float | None


class DyadList(BaseModel):
    by: str
    dyads: list[DyadCount]


class PlaceCount(BaseModel):
    """Events at one place, for the map."""

    name: str | None
    country_iso3: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    kind: str | None
    count: int
    mentions: int
    mean_goldstein: float | None


class PlaceList(BaseModel):
    places: list[PlaceCount]


class Span(BaseModel):
    """A stretch of the article text that an event refers to."""

    start: int
    end: int
    kind: str = Field(description="trigger, source, target, claimant or place")
    mention_id: str
    text: str


class ArticleEvent(EventRecordOut):
    """An event coded from the article, with its ids."""

    mention_id: str
    event_id: str | None = Field(description="its deduplicated event's id")


class ArticleDetail(BaseModel):
    """An article's text with every event coded from it and the spans they point at."""

    article_id: str
    doc_key: str
    id: str
    url: str | None
    outlet: str | None
    title: str | None
    published: dt.date | None
    coded_at: UtcDatetime
    coder_version: str
    text: str
    events: list[ArticleEvent]
    spans: list[Span] = Field(description="every trigger, actor and place span, by start")


class RunInfo(BaseModel):
    """The latest ingest or re-code: a run still `running` may be writing now."""

    run_id: int
    kind: str
    status: str
    started_at: UtcDatetime
    finished_at: UtcDatetime | None


class Summary(BaseModel):
    """What the store holds, for a dashboard's header and its filters' ranges."""

    articles: int
    mentions: int
    events: int
    rejects: int
    first_date: dt.date | None
    last_date: dt.date | None
    last_run: RunInfo | None


class ExportRequest(BaseModel):
    """An export of the store into the server's export folder, with the exporters' filters."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["gdelt", "plover", "parquet", "csv"]
    name: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}$",
        description="file (or Parquet folder) name inside the export folder, sub-folders"
        " allowed; default by format",
    )
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    country: str | None = Field(None, pattern=r"^[A-Za-z0-9-]{1,12}$",
                                description="first source's or first target's country")
    type: str | None = Field(None, description="PLOVER type (any case)",
                             json_schema_extra={"enum": [*plover_types(), None]})
    cameo: str | None = Field(None, pattern=r"^[0-9]{1,4}$", description="CAMEO code prefix")


class ExportDone(BaseModel):
    """What an export wrote; `file` is relative to the export folder."""

    format: str
    file: str
    rows: int
