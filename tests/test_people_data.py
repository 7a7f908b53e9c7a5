"""Checks on the people dictionary (tacitus/data/actors/people.yaml), read as plain YAML.

The file is hand-written knowledge, so these tests guard what a typo or a careless addition
would break: the shape the loader relies on, code syntax, date order, and above all that one
name never means two different actors on the same day (the coder could not choose between them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

PEOPLE = Path(__file__).resolve().parents[1] / "tacitus" / "data" / "actors" / "people.yaml"
CODE = re.compile(r"^[A-Z]{3}[A-Z]{0,6}$")
SECTOR = re.compile(r"^[A-Z]{3}$")
PERSON_KEYS = {"names", "short", "roles"}
ROLE_KEYS = {"code", "from", "to", "title", "sector"}


@dataclass(frozen=True)
class Span:
    """One role of one person, as the name index sees it."""

    person: int
    code: str
    start: dt.date
    end: dt.date | None

    def overlaps(self, other: Span) -> bool:
        """Both ends inclusive; an open end runs on for ever."""
        ends_before = self.end is not None and self.end < other.start
        starts_after = other.end is not None and other.end < self.start
        return not (ends_before or starts_after)

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@pytest.fixture(scope="module")
def people() -> list[dict[str, Any]]:
    # The C loader reads the same YAML about ten times faster; fall back when it is missing.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with PEOPLE.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=loader)
    assert isinstance(data, list)
    return data


@pytest.fixture(scope="module")
def index(people: list[dict[str, Any]]) -> dict[str, list[Span]]:
    """Every full and short name (case-folded) -> the dated codes it can stand for."""
    spans: dict[str, list[Span]] = defaultdict(list)
    for number, person in enumerate(people):
        for name in {*person["names"], *person.get("short", [])}:
            for role in person["roles"]:
                spans[name.casefold()].append(
                    Span(number, role["code"], role["from"], role.get("to"))
                )
    return spans


def codes_on(index: dict[str, list[Span]], name: str, day: dt.date) -> set[str]:
    return {span.code for span in index.get(name.casefold(), []) if span.covers(day)}


def test_file_is_big_enough(people: list[dict[str, Any]]) -> None:
    assert len(people) >= 600


def test_people_have_the_loader_shape(people: list[dict[str, Any]]) -> None:
    for person in people:
        assert isinstance(person, dict), person
        assert set(person) <= PERSON_KEYS, person
        names = person["names"]
        short = person.get("short", [])
        assert isinstance(names, list) and names, person
        assert isinstance(short, list), person
        # A bare word such as `No` or `On` would load as a bool: every name must be text.
        for name in [*names, *short]:
            assert isinstance(name, str) and name == name.strip() and name, person
        assert len({n.casefold() for n in [*names, *short]}) == len(names) + len(short), person
        assert isinstance(person["roles"], list) and person["roles"], person


def test_roles_have_valid_codes_and_dates(people: list[dict[str, Any]]) -> None:
    for person in people:
        for role in person["roles"]:
            label = (person["names"][0], role)
            assert set(role) <= ROLE_KEYS and {"code", "from", "title"} <= set(role), label
            assert isinstance(role["code"], str) and CODE.match(role["code"]), label
            assert isinstance(role["title"], str) and role["title"], label
            assert "sector" not in role or SECTOR.match(role["sector"]), label
            start, end = role["from"], role.get("to")
            assert type(start) is dt.date, label
            assert end is None or type(end) is dt.date, label
            assert end is None or start <= end, label
            assert dt.date(1940, 1, 1) <= start <= dt.date(2027, 12, 31), label


def test_no_name_means_two_codes_on_one_day(index: dict[str, list[Span]]) -> None:
    clashes = []
    for name, spans in index.items():
        for i, first in enumerate(spans):
            for second in spans[i + 1 :]:
                if (
                    first.person != second.person
                    and first.code != second.code
                    and first.overlaps(second)
                ):
                    clashes.append((name, first, second))
    assert not clashes, clashes[:20]


def test_no_person_is_listed_twice(people: list[dict[str, Any]]) -> None:
    seen: dict[str, str] = {}
    for person in people:
        key = person["names"][0].casefold()
        assert key not in seen, person["names"]
        seen[key] = key


@pytest.mark.parametrize(
    ("name", "day", "code"),
    [
        ("Clinton", "2012-07-12", "USAGOV"),
        ("Clinton", "1995-03-01", "USAGOV"),
        ("Clinton", "2005-06-01", "USALEG"),
        ("Annan", "2012-07-12", "IGOUNO"),
        ("Annan", "2001-09-12", "IGOUNO"),
        ("Assad", "2012-03-15", "SYRGOV"),
        ("Putin", "2012-07-12", "RUSGOV"),
        ("Putin", "2009-01-01", "RUSGOV"),
        ("Lavrov", "2012-07-12", "RUSGOV"),
        ("Obama", "2010-05-01", "USAGOV"),
        ("Bush", "2004-05-01", "USAGOV"),
        ("Bush", "1991-02-01", "USAGOV"),
        ("Merkel", "2015-09-01", "DEUGOV"),
        ("Tusk", "2010-01-01", "POLGOV"),
        ("Tusk", "2016-06-24", "IGOEUR"),
        ("Stoltenberg", "2016-07-08", "IGONAT"),
        ("Nasrallah", "2006-07-20", "LBNREB"),
        ("Erdogan", "2016-07-15", "TURGOV"),
        ("Erdoğan", "2010-01-01", "TURGOV"),
        ("Brahimi", "2013-06-01", "IGOUNO"),
        ("de Mistura", "2016-02-01", "IGOUNO"),
        ("Zelensky", "2022-03-01", "UKRGOV"),
        ("Modi", "2020-01-01", "INDGOV"),
        ("Netanyahu", "2012-01-01", "ISRGOV"),
        ("Xi Jinping", "2018-01-01", "CHNGOV"),
        ("Osama bin Laden", "2001-09-11", "IMGMUSALQ"),
    ],
)
def test_spot_checks(index: dict[str, list[Span]], name: str, day: str, code: str) -> None:
    assert codes_on(index, name, dt.date.fromisoformat(day)) == {code}


def test_no_code_for_a_name_outside_its_terms(index: dict[str, list[Span]]) -> None:
    """A short name is given only for the years its bearer held office."""
    assert codes_on(index, "Obama", dt.date(2005, 1, 1)) == set()
    assert codes_on(index, "Annan", dt.date(1990, 1, 1)) == set()


# Countries the brief names: each must have at least one executive (GOV) role on file.
# fmt: off
REQUIRED_GOV = (
    "ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "MEX", "RUS",
    "SAU", "ZAF", "KOR", "TUR", "GBR", "USA", "AFG", "IRQ", "SYR", "YEM", "LBY", "SDN", "SSD",
    "SOM", "COD", "CAF", "MLI", "NGA", "ETH", "ERI", "UKR", "ISR", "PSE", "LBN", "MMR", "COL",
    "PAK", "LKA", "PHL", "TCD", "NER", "BFA", "MOZ", "CMR", "GEO", "ARM", "AZE", "IRN", "EGY",
    "DZA", "THA", "KEN", "UGA", "BDI", "RWA", "CIV", "SLE", "LBR", "HTI", "VEN",
)
# fmt: on


def test_every_required_country_has_an_executive(people: list[dict[str, Any]]) -> None:
    executives = {
        role["code"][:3]
        for person in people
        for role in person["roles"]
        if role["code"].endswith("GOV")
    }
    assert not [country for country in REQUIRED_GOV if country not in executives]


def test_international_bodies_are_covered(people: list[dict[str, Any]]) -> None:
    codes = {role["code"] for person in people for role in person["roles"]}
    assert {"IGOUNO", "IGOEUR", "IGONAT", "IGOARL", "IGOAFU"} <= codes
