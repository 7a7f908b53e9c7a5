"""The API's endpoints: thin handlers that validate parameters and call `queries`.

Parameters are validated at the edge, with patterns and bounds declared in the OpenAPI schema
(so a bad value is a 422 naming the parameter, never a database error), and values that are
knowledge (PLOVER types) are checked against the codebook, not a list written here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from tacitus.api import models, queries
from tacitus.api.db import ReadOnlyDatabase
from tacitus.codebook import plover_types
from tacitus.ingest import CoderLike
from tacitus.limits import LimitExceeded
from tacitus.records import Article, EventRecord

#: Largest page of events, and largest number of groups an aggregate returns.
MAX_LIMIT = 1000
#: Deepest offset: paging past a million rows is a job for `tacitus export`.
MAX_OFFSET = 1_000_000
#: The largest id a deduplicated event can have (a BIGINT).
MAX_EVENT_ID = 2**63 - 1

_COUNTRY = r"^[A-Za-z0-9-]{1,12}$"
_SECTOR = r"^[A-Za-z]{1,12}$"
#: The errors any POST can meet before its handler runs (body unreadable, too large, no token).
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": models.ErrorBody, "description": "body is not readable JSON"},
    401: {"model": models.ErrorBody, "description": "missing or wrong bearer token"},
    413: {"model": models.ErrorBody, "description": "body too large"},
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": models.ErrorBody, "description": "a parameter is invalid"},
    503: {"model": models.ErrorBody, "description": "the database is busy or missing"},
}


def _upper(value: str | None) -> str | None:
    return value.upper() if value is not None else None


def _plover(types: list[str]) -> tuple[str, ...]:
    """PLOVER type names, upper-cased and checked against the codebook."""
    known = plover_types()
    unknown = [name for name in types if name.upper() not in known]
    if unknown:
        raise HTTPException(
            422,
            f"query parameter 'type': unknown PLOVER type(s) {', '.join(unknown)};"
            f" known types: {', '.join(known)}",
        )
    return tuple(name.upper() for name in types)


def event_filters(
    *,
    date_from: Annotated[models.IsoDate | None,
                         Query(description="first event date (YYYY-MM-DD)")] = None,
    date_to: Annotated[models.IsoDate | None,
                       Query(description="last event date, included")] = None,
    actor: Annotated[str | None, Query(pattern=_COUNTRY,
                                       description="country code of the source or target")]
    = None,
    sector: Annotated[str | None, Query(pattern=_SECTOR,
                                        description="sector (GOV, MIL, ...) of either side")]
    = None,
    source_country: Annotated[str | None, Query(pattern=_COUNTRY)] = None,
    source_sector: Annotated[str | None, Query(pattern=_SECTOR)] = None,
    target_country: Annotated[str | None, Query(pattern=_COUNTRY)] = None,
    target_sector: Annotated[str | None, Query(pattern=_SECTOR)] = None,
    type: Annotated[list[str], Query(
        default_factory=list, max_length=20,
        description="PLOVER event type (repeatable; any case)",
        json_schema_extra={"items": {"type": "string", "enum": list(plover_types())}})],
    cameo: Annotated[str | None, Query(pattern=r"^[0-9]{1,4}$",
                                       description="CAMEO code prefix: 02, 025 or 0251")]
    = None,
    quad_class: Annotated[list[Annotated[int, Query(ge=1, le=4)]],
                          Query(default_factory=list, max_length=4,
                                description="QuadClass 1-4 (repeatable)")],
    modality: Annotated[queries.Modality | None, Query()] = None,
    min_mentions: Annotated[int | None, Query(ge=1, le=MAX_OFFSET)] = None,
    has_place: Annotated[bool | None, Query(description="only events with (or without) a "
                                                          "known place")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200,
                                   description="words in a mention's sentence (any case)")]
    = None,
) -> queries.EventFilters:
    """The filters every event endpoint shares, validated."""
    if date_from and date_to and date_from > date_to:
        raise HTTPException(422, "query parameter 'date_from' is after 'date_to'")
    return queries.EventFilters(
        date_from=date_from,
        date_to=date_to,
        actor=_upper(actor),
        sector=_upper(sector),
        source_country=_upper(source_country),
        source_sector=_upper(source_sector),
        target_country=_upper(target_country),
        target_sector=_upper(target_sector),
        types=_plover(type),
        cameo=cameo,
        quad_classes=tuple(quad_class),
        modality=modality,
        min_mentions=min_mentions,
        has_place=has_place,
        text=q,
    )


Filters = Annotated[queries.EventFilters, Depends(event_filters)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


def read_router(db: ReadOnlyDatabase) -> APIRouter:
    """The GET endpoints, each reading one snapshot of the store."""
    router = APIRouter(prefix="/v1", responses=_ERRORS)

    @router.get("/events", response_model=models.EventPage, tags=["events"])
    def list_events(
        filters: Filters,
        sort: queries.SortKey = "-date",
        limit: Limit = 50,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> models.EventPage:
        """Deduplicated events, filtered, sorted and paged."""
        with db.read() as conn:
            return queries.list_events(conn, filters, sort, limit, offset)

    @router.get("/events/{event_id}", response_model=models.EventDetail, tags=["events"],
                responses={404: {"model": models.ErrorBody, "description": "no such event"}})
    def get_event(
        event_id: Annotated[str, Path(pattern=r"^[0-9]{1,19}$",
                                      description="global event id (decimal)")],
    ) -> models.EventDetail:
        """One deduplicated event with every mention: outlet, URL, sentence, offsets, rule."""
        number = int(event_id)
        found = None
        if number <= MAX_EVENT_ID:
            with db.read() as conn:
                found = queries.event_detail(conn, number)
        if found is None:
            raise HTTPException(404, f"no event with id {event_id}")
        return found

    @router.get("/timeline", response_model=models.Timeline, tags=["aggregates"])
    def get_timeline(
        filters: Filters,
        by: queries.TimelineKey = "quad_class",
        interval: queries.Interval = "day",
    ) -> models.Timeline:
        """Counts of deduplicated events per day (or week, ...) by QuadClass or PLOVER type."""
        with db.read() as conn:
            return queries.timeline(conn, filters, by, interval)

    @router.get("/actors", response_model=models.ActorList, tags=["aggregates"])
    def get_actors(filters: Filters, by: queries.ActorLevel = "country", limit: Limit = 100
                   ) -> models.ActorList:
        """Actors by how often they are source and target, with mean Goldstein."""
        with db.read() as conn:
            return queries.actors(conn, filters, by, limit)

    @router.get("/dyads", response_model=models.DyadList, tags=["aggregates"])
    def get_dyads(filters: Filters, by: queries.DyadLevel = "country", limit: Limit = 100
                  ) -> models.DyadList:
        """Source -> target pairs with their counts and mean Goldstein."""
        with db.read() as conn:
            return queries.dyads(conn, filters, by, limit)

    @router.get("/places", response_model=models.PlaceList, tags=["aggregates"])
    def get_places(filters: Filters, limit: Limit = 500) -> models.PlaceList:
        """Places of events with coordinates and counts, for a map."""
        with db.read() as conn:
            return queries.places(conn, filters, limit)

    @router.get("/articles/{article_id}", response_model=models.ArticleDetail,
                tags=["articles"],
                responses={404: {"model": models.ErrorBody, "description": "no such article"}})
    def get_article(
        article_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$",
                                        description="16 hex digits (a mention id's prefix)")],
    ) -> models.ArticleDetail:
        """An article's text with each event's trigger, actor and place spans."""
        with db.read() as conn:
            found = queries.article_detail(conn, article_id)
        if found is None:
            raise HTTPException(404, f"no article with id {article_id}")
        return found

    @router.get("/summary", response_model=models.Summary, tags=["store"])
    def get_summary() -> models.Summary:
        """How many articles, mentions, events and rejects the store holds; its date range."""
        with db.read() as conn:
            return queries.summary(conn)

    return router


class LazyCoder:
    """Builds the coder on first use (loading spaCy takes seconds) and codes one text at a
    time: the coder keeps per-document state, so concurrent requests take turns."""

    def __init__(self, factory: Callable[[], CoderLike]) -> None:
        self._factory = factory
        self._coder: CoderLike | None = None
        self._lock = threading.Lock()

    def code(self, article: Article) -> list[EventRecord]:
        with self._lock:
            if self._coder is None:
                self._coder = self._factory()
            return self._coder.code_article(article)


def code_router(coder: LazyCoder, guard: Callable[..., None] | None) -> APIRouter:
    """`POST /v1/code`: code a text and return its events; nothing is stored."""
    dependencies = [Depends(guard)] if guard is not None else []
    router = APIRouter(prefix="/v1", dependencies=dependencies, responses={
        **WRITE_ERRORS, 422: {"model": models.ErrorBody, "description": "invalid body"},
    })

    @router.post("/code", response_model=models.CodeResponse, tags=["coding"])
    def code_text(request: models.CodeRequest) -> models.CodeResponse:
        """Code one text (with an optional publication date, URL and outlet)."""
        article = Article(id=request.id, text=request.text, published=request.date,
                          url=request.url, outlet=request.outlet)
        try:
            records = coder.code(article)
        except LimitExceeded as refused:  # too long, a monster sentence, lone surrogates...
            raise HTTPException(422, f"body field 'text': {refused}") from refused
        events = [models.EventRecordOut(**record.to_dict()) for record in records]
        return models.CodeResponse(doc_id=request.id, count=len(events), events=events)

    return router
