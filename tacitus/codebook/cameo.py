"""The CAMEO codebook: event codes with their Goldstein score and QuadClass, and actor types.

Everything comes from two TSV files under `tacitus/data/cameo/`, read once on first use. Codes
are strings throughout: "010" and "10" are different codes, so nothing here ever turns a code
into a number.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

_CODE = re.compile(r"\d{2,4}")


@dataclass(frozen=True)
class CameoEvent:
    """One CAMEO event code as GDELT scores it."""

    code: str
    name: str
    goldstein: float
    quad_class: int


@dataclass(frozen=True)
class ActorType:
    """A CAMEO actor type (role) code and where it lands in PLOVER.

    `sector` is the PLOVER sector, `plover_code` the PLOVER international "country" code (IGO,
    UNO, NGO, ...) for types that name an international non-state actor; either may be None.
    """

    code: str
    description: str
    sector: str | None
    plover_code: str | None


def read_tsv(*parts: str) -> Iterator[dict[str, str]]:
    """Rows of a data TSV under `tacitus/data/`, skipping the `#` comment block above the header.

    Shared with the PLOVER side so every codebook file is read the same way.
    """
    text = resources.files("tacitus").joinpath("data", *parts).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    yield from csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)


def is_cameo_code(code: str) -> bool:
    """True when `code` has the shape of a CAMEO event code (2 to 4 digits), known or not."""
    return _CODE.fullmatch(code) is not None


@cache
def _events() -> Mapping[str, CameoEvent]:
    events: dict[str, CameoEvent] = {}
    for row in read_tsv("cameo", "event_codes.tsv"):
        code = row["code"]
        if not is_cameo_code(code) or code in events:
            raise ValueError(f"event_codes.tsv: bad or repeated code {code!r}")
        events[code] = CameoEvent(
            code=code,
            name=row["name"],
            goldstein=float(row["goldstein"]),
            quad_class=int(row["quad_class"]),
        )
    return MappingProxyType(events)


@cache
def _actor_types() -> Mapping[str, ActorType]:
    types: dict[str, ActorType] = {}
    for row in read_tsv("cameo", "actor_types.tsv"):
        types[row["code"]] = ActorType(
            code=row["code"],
            description=row["description"],
            sector=row["sector"] or None,
            plover_code=row["plover_code"] or None,
        )
    return MappingProxyType(types)


def cameo_events() -> Mapping[str, CameoEvent]:
    """Every known CAMEO event code, read-only, in codebook order."""
    return _events()


def cameo_event(code: str) -> CameoEvent | None:
    """The event for exactly this code, or None when the codebook has no such code.

    There is deliberately no silent fallback to a parent code: a caller that wants the parent of
    an unknown 4-digit code asks for `cameo_event(code[:3])` and so knows it is approximating.
    """
    return _events().get(code.strip())


def cameo_root(code: str) -> str:
    """The 2-digit root ("cue category") of a CAMEO code: "0211" -> "02".

    Raises ValueError for anything that is not 2 to 4 digits, because a malformed code has no
    meaningful root.
    """
    code = code.strip()
    if not is_cameo_code(code):
        raise ValueError(f"not a CAMEO event code: {code!r}")
    return code[:2]


def quad_class_for(code: str) -> int:
    """GDELT QuadClass (1-4) of a CAMEO code, taken from its root's row in the codebook.

    Works for unknown sub-codes of a known root (the class depends on the root alone); raises
    ValueError when the code is malformed or its root is not a CAMEO root.
    """
    root_code = cameo_root(code)
    root = _events().get(root_code)
    if root is None:
        raise ValueError(f"no CAMEO root {root_code!r} for code {code!r}")
    return root.quad_class


def actor_types() -> Mapping[str, ActorType]:
    """Every known CAMEO actor type code, read-only."""
    return _actor_types()


def actor_type_sector(type_code: str) -> str | None:
    """The PLOVER sector for a CAMEO actor type ("MED" -> "JRN"), None if unknown or sectorless."""
    found = _actor_types().get(type_code.strip().upper())
    return found.sector if found else None


def actor_type_plover_code(type_code: str) -> str | None:
    """The PLOVER international actor code a CAMEO type stands for ("IGO" -> "IGO"), if any."""
    found = _actor_types().get(type_code.strip().upper())
    return found.plover_code if found else None
