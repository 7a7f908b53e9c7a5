"""The PLOVER codebook (types, modes, contexts, sectors, scores) and the CAMEO -> PLOVER crosswalk.

Both come from YAML under `tacitus/data/plover/`, read once on first use and checked against each
other as they load: a crosswalk line naming a type, mode or context PLOVER does not have is a
data error and fails loudly rather than leaking a bad code into event records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from tacitus.codebook.cameo import is_cameo_code

# The keys a mode and a crosswalk line may have: YAML flow mappings split unquoted text at
# commas into stray keys, so anything else is a data error, not something to ignore.
_MODE_KEYS = frozenset({"description", "score", "adds_context"})
_LINE_KEYS = frozenset({"event", "mode", "context"})


@dataclass(frozen=True)
class PloverMode:
    """One mode of one event type, with its PLOVER score (None where the manual gives none)."""

    event: str
    name: str
    description: str
    score: float | None
    adds_context: tuple[str, ...] = ()


@dataclass(frozen=True)
class PloverType:
    """A PLOVER event type; `modes` are its mode names in codebook order."""

    name: str
    description: str
    modes: tuple[str, ...]
    quad_class: int | None
    requires_recipient: bool
    score: float


@dataclass(frozen=True)
class PloverMapping:
    """What a CAMEO code becomes in PLOVER; `event` None means PLOVER has no type for it."""

    event: str | None
    mode: str | None
    context: tuple[str, ...]


@dataclass(frozen=True)
class _Codebook:
    types: Mapping[str, PloverType]
    modes: Mapping[tuple[str, str], PloverMode]
    contexts: Mapping[str, str]
    sectors: Mapping[str, str]
    international_codes: Mapping[str, str]


def _load_yaml(name: str) -> Any:
    text = resources.files("tacitus").joinpath("data", "plover", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


@cache
def _codebook() -> _Codebook:
    data = _load_yaml("plover.yaml")
    quad_classes = set(data["quad_classes"])
    contexts: dict[str, str] = dict(data["contexts"])
    types: dict[str, PloverType] = {}
    modes: dict[tuple[str, str], PloverMode] = {}
    for name, spec in data["events"].items():
        quad = spec.get("quad_class")
        if quad is not None and quad not in quad_classes:
            raise ValueError(f"plover.yaml: {name} has unknown quad class {quad!r}")
        for mode_name, mode_spec in (spec.get("modes") or {}).items():
            if not set(mode_spec) <= _MODE_KEYS:
                raise ValueError(f"plover.yaml: {name} {mode_name} has stray keys {set(mode_spec)}")
            adds = tuple(mode_spec.get("adds_context") or ())
            unknown = [c for c in adds if c not in contexts]
            if unknown:
                raise ValueError(f"plover.yaml: {name} {mode_name} adds unknown context {unknown}")
            modes[(name, mode_name)] = PloverMode(
                event=name,
                name=mode_name,
                description=mode_spec["description"],
                score=_optional_float(mode_spec.get("score")),
                adds_context=adds,
            )
        types[name] = PloverType(
            name=name,
            description=spec["description"],
            modes=tuple(spec.get("modes") or ()),
            quad_class=quad,
            requires_recipient=bool(spec["requires_recipient"]),
            score=float(spec["score"]),
        )
    return _Codebook(
        types=MappingProxyType(types),
        modes=MappingProxyType(modes),
        contexts=MappingProxyType(contexts),
        sectors=MappingProxyType(dict(data["sectors"])),
        international_codes=MappingProxyType(dict(data["international_codes"])),
    )


def _mapping(code: str, spec: Mapping[str, Any], book: _Codebook) -> PloverMapping:
    """One crosswalk line, checked against the PLOVER codebook."""
    if set(spec) != _LINE_KEYS:
        raise ValueError(f"cameo_to_plover.yaml: {code} needs exactly {sorted(_LINE_KEYS)}")
    event, mode = spec.get("event"), spec.get("mode")
    context = tuple(spec.get("context") or ())
    if event is not None and event not in book.types:
        raise ValueError(f"cameo_to_plover.yaml: {code} maps to unknown type {event!r}")
    if mode is not None and (event is None or (event, mode) not in book.modes):
        raise ValueError(f"cameo_to_plover.yaml: {code}: {event} has no mode {mode!r}")
    unknown = [c for c in context if c not in book.contexts]
    if unknown:
        raise ValueError(f"cameo_to_plover.yaml: {code}: unknown context {unknown}")
    return PloverMapping(event=event, mode=mode, context=context)


@cache
def _crosswalk() -> Mapping[str, PloverMapping]:
    book = _codebook()
    lines: dict[str, PloverMapping] = {}
    for code, spec in _load_yaml("cameo_to_plover.yaml").items():
        if not isinstance(code, str) or not is_cameo_code(code):
            raise ValueError(f"cameo_to_plover.yaml: key {code!r} must be a quoted CAMEO code")
        lines[code] = _mapping(code, spec, book)
    return MappingProxyType(lines)


def plover_types() -> dict[str, PloverType]:
    """The 16 PLOVER event types by name (a fresh dict: callers may change it freely)."""
    return dict(_codebook().types)


def plover_mode(event: str, mode: str) -> PloverMode | None:
    """The mode `mode` of type `event`, or None when that type has no such mode."""
    return _codebook().modes.get((event, mode))


def plover_score(event: str, mode: str | None = None) -> float | None:
    """PLOVER conflict/cooperation score: the mode's own score, else the type's; None if unknown.

    The fallback matters because the manual scores most but not all modes (PROTEST vandalize).
    """
    book = _codebook()
    found = book.types.get(event)
    if found is None:
        return None
    if mode is not None:
        scored = book.modes.get((event, mode))
        if scored is not None and scored.score is not None:
            return scored.score
    return found.score


def plover_contexts() -> dict[str, str]:
    """The PLOVER contexts, name -> short description."""
    return dict(_codebook().contexts)


def plover_sectors() -> dict[str, str]:
    """The PLOVER actor sector codes, code -> short description."""
    return dict(_codebook().sectors)


def plover_international_codes() -> dict[str, str]:
    """PLOVER's codes for international non-state actors (IGO, UNO, EUR, NGO, ISM, IMG, MNC)."""
    return dict(_codebook().international_codes)


def cameo_to_plover() -> Mapping[str, PloverMapping]:
    """Every crosswalk line exactly as written, read-only, without any parent fallback."""
    return _crosswalk()


def plover_for_cameo(code: str) -> PloverMapping | None:
    """What a CAMEO code becomes in PLOVER, falling back from 4 to 3 to 2 digits.

    The fallback lets a dictionary's home-made sub-code ("0845") inherit its parent's meaning.
    None only when the code is malformed or not even its root is in the crosswalk; a code that
    PLOVER drops (01x statements) gives a mapping whose `event` is None.
    """
    code = code.strip()
    if not is_cameo_code(code):
        return None
    lines = _crosswalk()
    for length in range(len(code), 1, -1):
        found = lines.get(code[:length])
        if found is not None:
            return found
    return None
