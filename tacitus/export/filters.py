"""Which events an export holds: a date range, an actor country, a PLOVER type, a CAMEO prefix.

The filters become one parameterised SQL condition over columns that `events` (mentions) and
`dedup_events` both have, so every format filters the same way and user input never becomes
SQL text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ExportFilters:
    """Restrictions on exported events; unset fields restrict nothing.

    `country` matches the first source or first target actor's country code ("SYR" gets
    events by and against Syria). `cameo_prefix` keeps leading zeros: "02" is all of
    CAMEO root 02 (appeals), "0251" one code. Dates are event dates, both ends included.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    country: str | None = None
    plover_type: str | None = None
    cameo_prefix: str | None = None

    def __post_init__(self) -> None:
        if self.cameo_prefix is not None and not self.cameo_prefix.isdigit():
            raise ValueError(f"a CAMEO prefix is digits only, not {self.cameo_prefix!r}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")

    def where(self, alias: str) -> tuple[str, list[Any]]:
        """A SQL condition on table `alias` and its parameters (`TRUE` when unfiltered)."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.date_from is not None:
            clauses.append(f"{alias}.event_date >= ?")
            params.append(self.date_from)
        if self.date_to is not None:
            clauses.append(f"{alias}.event_date <= ?")
            params.append(self.date_to)
        if self.country is not None:
            clauses.append(f"({alias}.actor_code = ? OR {alias}.recipient_code = ?)")
            params.extend([self.country.upper(), self.country.upper()])
        if self.plover_type is not None:
            clauses.append(f"{alias}.event = ?")
            params.append(self.plover_type.upper())
        if self.cameo_prefix is not None:
            clauses.append(f"starts_with({alias}.cameo_code, ?)")
            params.append(self.cameo_prefix)
        return (" AND ".join(clauses) or "TRUE"), params
