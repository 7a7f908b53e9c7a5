"""Read Tacitus's own actor knowledge (YAML files under `tacitus/data/actors/`) into `Dictionaries`.

Five entry formats exist, one per file, each documented at the top of its file:

- countries (`code` of 3 letters + `names`, optional `historical`, `adjectives`, `capitals`,
  `seats`): names, former names and adjectives name the country itself; capitals stand for its
  government (`<code>GOV`) and seats for the organ given with them (the Kremlin, the Pentagon).
- organisations (`code` + `plover` + `names`, optional `sector`, `from`, `to`): IGOs and NGOs,
  all of kind "igo"; their PLOVER country and sector, which `ActorEntry` has no field for, come
  from `load_plover_fields` / `builtin_plover_fields`.
- groups (`code` of 6+ letters, or dated `codes`, + `names`): armed groups, parties, agencies.
- agents (`words` + `code`, optional `prefix`): role nouns that give an actor its sector.
- people (`names` + `roles`, optional `short`): persons and the offices they held over time;
  a role's optional `sector` is appended to its code (IGOUNO + ELI: a former UN chief).

The format of a file is read from its entries rather than from its name, so that users can add
their own files of any of these kinds; all entries of one file must share one format, which
catches a misplaced or misspelt entry. Every malformed entry raises `DictionaryError` naming the
file and the entry: built-in knowledge that silently lost an entry would code worse with no sign.

Names are written out in every form used (singular, plural, with and without dots), so actor
entries are `exact`: stem matching would let "Niger" match "Nigeria" and "India" "Indiana".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from tacitus.dictionaries.errors import DictionaryError
from tacitus.dictionaries.model import ActorEntry, AgentEntry, DatedCode, Dictionaries
from tacitus.dictionaries.words import phrase_words

_FULL_CODE = re.compile(r"^[A-Z]{3}(?:[A-Z]{3})*$")
_PART_CODE = re.compile(r"^[A-Z]{3}$")
#: An acronym as written in the data ("UN", "U.N.", "NATO"): a name only when capitalised.
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,}$")


@dataclass(frozen=True)
class PloverActor:
    """The PLOVER actor fields of an organisation: its `country` (UNO, EUR, IGO, NGO...) and
    `sector` (e.g. MIL for peacekeepers), which its CAMEO code alone does not spell out."""

    country: str
    sector: str | None


@dataclass(frozen=True)
class _Loaded:
    """One file's contents: the coder's entries plus the PLOVER fields of its organisations."""

    dictionaries: Dictionaries
    plover: dict[str, PloverActor]


class _Entry:
    """One YAML entry being validated; every complaint names the file and the entry."""

    def __init__(self, raw: object, file: str, index: int, allowed: frozenset[str]) -> None:
        self.file = file
        self.index = index
        if not isinstance(raw, Mapping):
            raise self.error(f"expected a mapping, got {type(raw).__name__}")
        self.raw: Mapping[object, object] = raw
        unknown = sorted(str(key) for key in raw if key not in allowed)
        if unknown:
            raise self.error(f"unknown field(s) {', '.join(unknown)}")

    @property
    def origin(self) -> str:
        return f"{self.file}:{self.index}"

    def error(self, message: str) -> DictionaryError:
        return DictionaryError(f"{self.file} entry {self.index}: {message}")

    def strings(self, key: str, required: bool = False) -> list[str]:
        """A list of non-empty strings (a lone string is not accepted: it is usually a typo)."""
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.error(f"missing {key!r}")
            return []
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            raise self.error(f"{key!r} must be a list of non-empty strings")
        if required and not value:
            raise self.error(f"{key!r} is empty")
        return value

    def code(self, key: str = "code", pattern: re.Pattern[str] = _FULL_CODE) -> str:
        return self.code_in(self.raw, key, pattern)

    def code_in(
        self, raw: Mapping[object, object], key: str, pattern: re.Pattern[str] = _FULL_CODE
    ) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not pattern.match(value):
            raise self.error(f"{key!r} must be an upper-case code, got {value!r}")
        return value

    def optional_code(self, key: str) -> str | None:
        if self.raw.get(key) is None:
            return None
        return self.code(key, _PART_CODE)

    def flag(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            raise self.error(f"{key!r} must be true or false")
        return value

    def dated(self, raw: Mapping[object, object], code: str) -> DatedCode:
        """A code valid between the mapping's `from` and `to` (either may be absent)."""
        start = self.date_in(raw, "from")
        end = self.date_in(raw, "to")
        if start and end and end < start:
            raise self.error(f"'to' {end} is before 'from' {start}")
        return DatedCode(code, start, end)

    def date_in(self, raw: Mapping[object, object], key: str) -> dt.date | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.error(f"{key!r} must be a date (YYYY-MM-DD), got {value!r}")

    def items(self, key: str) -> list[object]:
        value = self.raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(f"{key!r} must be a list")
        return value

    def mappings(self, key: str, required: bool = False) -> list[Mapping[object, object]]:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.error(f"missing {key!r}")
            return []
        if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
            raise self.error(f"{key!r} must be a list of mappings")
        if required and not value:
            raise self.error(f"{key!r} is empty")
        return value

    def actor(self, name: str, codes: tuple[DatedCode, ...], kind: str) -> ActorEntry:
        words = phrase_words(name)
        if not words:
            raise self.error(f"name {name!r} has no words")
        written = phrase_words(name, keep_case=True)
        cased = frozenset(i for i, word in enumerate(written)
                          if _ACRONYM.match(word) or (kind == "person" and word[:1].isupper()))
        return ActorEntry(words=words, codes=codes, origin=self.origin, kind=kind, exact=True,
                          cased=cased)


_COUNTRY = frozenset({"code", "names", "historical", "adjectives", "capitals", "seats"})
_ORGANISATION = frozenset({"code", "plover", "sector", "names", "from", "to"})
_GROUP = frozenset({"code", "codes", "names", "from", "to"})
_AGENT = frozenset({"words", "code", "prefix"})
_PERSON = frozenset({"names", "short", "roles"})
_ROLE = frozenset({"code", "sector", "from", "to", "title"})
_DATED = frozenset({"code", "from", "to"})
_HISTORICAL = frozenset({"name", "from", "to"})
_SEAT = frozenset({"name", "code"})


def _format_of(raw: object) -> str:
    """Which format an entry is written in, from the fields that only that format has; a bare
    `code` + `names` entry is a country when the code is three letters, else a group."""
    if not isinstance(raw, Mapping):
        return "unknown"
    if "words" in raw:
        return "agent"
    if "roles" in raw:
        return "person"
    if "plover" in raw:
        return "organisation"
    if "codes" in raw:
        return "group"
    code = raw.get("code")
    return "country" if isinstance(code, str) and len(code) == 3 else "group"


def _country(entry: _Entry, out: _Loaded) -> None:
    code = entry.code(pattern=_PART_CODE)
    itself = (DatedCode(code),)
    for name in entry.strings("names", required=True) + entry.strings("adjectives"):
        out.dictionaries.actors.append(entry.actor(name, itself, "country"))
    for former in entry.items("historical"):
        out.dictionaries.actors.append(_historical(entry, former, code))
    government = (DatedCode(f"{code}GOV"),)
    for capital in entry.strings("capitals"):
        out.dictionaries.actors.append(entry.actor(capital, government, "capital"))
    for seat in entry.mappings("seats"):
        seat_name = seat.get("name")
        if not set(seat) <= _SEAT or not isinstance(seat_name, str):
            raise entry.error("'seats' items must be {name, code}")
        seat_code = (DatedCode(entry.code_in(seat, "code")),)
        out.dictionaries.actors.append(entry.actor(seat_name, seat_code, "seat"))


def _historical(entry: _Entry, former: object, code: str) -> ActorEntry:
    """A former name: always the country, or only between `from` and `to` when they are given
    (a name that meant a different state before or after, like Yugoslavia)."""
    if isinstance(former, str):
        return entry.actor(former, (DatedCode(code),), "country")
    if isinstance(former, Mapping) and set(former) <= _HISTORICAL:
        name = former.get("name")
        if isinstance(name, str):
            return entry.actor(name, (entry.dated(former, code),), "country")
    raise entry.error("'historical' items must be names or {name, from, to}")


def _organisation(entry: _Entry, out: _Loaded) -> None:
    code = entry.code()
    plover = PloverActor(entry.code("plover", _PART_CODE), entry.optional_code("sector"))
    known = out.plover.setdefault(code, plover)
    if known != plover:
        raise entry.error(f"{code} was given PLOVER fields {known} earlier, now {plover}")
    codes = (entry.dated(entry.raw, code),)
    for name in entry.strings("names", required=True):
        out.dictionaries.actors.append(entry.actor(name, codes, "igo"))


def _group(entry: _Entry, out: _Loaded) -> None:
    if "codes" in entry.raw:
        if "code" in entry.raw or "from" in entry.raw or "to" in entry.raw:
            raise entry.error("give either 'codes' or 'code' with 'from'/'to', not both")
        dated: list[DatedCode] = []
        for item in entry.mappings("codes", required=True):
            if not set(item) <= _DATED:
                raise entry.error("'codes' items must be {code, from, to}")
            dated.append(entry.dated(item, entry.code_in(item, "code")))
        codes = tuple(dated)
    else:
        code = entry.code()
        if len(code) < 6:
            raise entry.error(f"group code {code!r} needs a sector after the country")
        codes = (entry.dated(entry.raw, code),)
    for name in entry.strings("names", required=True):
        out.dictionaries.actors.append(entry.actor(name, codes, "group"))


def _agent(entry: _Entry, out: _Loaded) -> None:
    code = entry.code()
    prefix = entry.flag("prefix")
    for form in entry.strings("words", required=True):
        words = phrase_words(form)
        if not words:
            raise entry.error(f"word {form!r} is blank")
        out.dictionaries.agents.append(AgentEntry(words, code, entry.origin, prefix))


def _person(entry: _Entry, out: _Loaded) -> None:
    roles: list[DatedCode] = []
    for role in entry.mappings("roles", required=True):
        if not set(role) <= _ROLE:
            raise entry.error("'roles' items must be {code, sector, from, to, title}")
        title = role.get("title")
        if title is not None and not isinstance(title, str):
            raise entry.error("a role's 'title' must be a string")
        code = entry.code_in(role, "code")
        if role.get("sector") is not None:
            code += entry.code_in(role, "sector", _PART_CODE)
        roles.append(entry.dated(role, code))
    codes = tuple(roles)
    for name in entry.strings("names", required=True) + entry.strings("short"):
        out.dictionaries.actors.append(entry.actor(name, codes, "person"))


_READERS: dict[str, tuple[frozenset[str], Callable[[_Entry, _Loaded], None]]] = {
    "country": (_COUNTRY, _country),
    "organisation": (_ORGANISATION, _organisation),
    "group": (_GROUP, _group),
    "agent": (_AGENT, _agent),
    "person": (_PERSON, _person),
}


def _parse(text: str, file: str) -> _Loaded:
    """Parse one file's text; `file` is the name used in origins and error messages."""
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for 2011-13-01
        raise DictionaryError(f"{file}: not valid YAML: {exc}") from exc
    out = _Loaded(Dictionaries(sources=[file]), {})
    if data is None:
        return out
    if not isinstance(data, list):
        raise DictionaryError(f"{file}: expected a list of entries, got {type(data).__name__}")
    file_format: str | None = None
    for index, raw in enumerate(data):
        entry_format = _format_of(raw)
        if entry_format == "unknown":
            raise DictionaryError(f"{file} entry {index}: expected a mapping, got {raw!r}")
        if file_format is None:
            file_format = entry_format
        elif entry_format != file_format:
            raise DictionaryError(
                f"{file} entry {index}: a {entry_format} entry in a file of {file_format} entries"
            )
        allowed, reader = _READERS[entry_format]
        reader(_Entry(raw, file, index, allowed), out)
    return out


def load_actor_yaml(path: Path) -> Dictionaries:
    """Read one actor YAML file (any of the five formats) into `Dictionaries`."""
    return _parse(_read(path.read_text, str(path)), path.name).dictionaries


def load_plover_fields(path: Path) -> dict[str, PloverActor]:
    """The PLOVER country/sector of each organisation code in an organisations file."""
    return _parse(_read(path.read_text, str(path)), path.name).plover


def load_builtin_actors() -> Dictionaries:
    """Every built-in actor file, merged; a fresh object each call, so callers may extend it."""
    merged = Dictionaries()
    for loaded in _builtin():
        merged.merge(loaded.dictionaries)
    return merged


def builtin_plover_fields() -> dict[str, PloverActor]:
    """The PLOVER country/sector of every built-in organisation code."""
    fields: dict[str, PloverActor] = {}
    for loaded in _builtin():
        fields.update(loaded.plover)
    return fields


@lru_cache(maxsize=1)
def _builtin() -> tuple[_Loaded, ...]:
    """Parse the packaged files once per process (they are large and never change at run time)."""
    return tuple(
        _parse(_read(resource.read_text, resource.name), resource.name)
        for resource in _builtin_files()
    )


def _builtin_files() -> list[Traversable]:
    folder = resources.files("tacitus").joinpath("data", "actors")
    files = [item for item in folder.iterdir() if item.name.endswith(".yaml")]
    return sorted(files, key=lambda item: item.name)


def _read(read_text: Callable[..., str], where: str) -> str:
    try:
        return read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DictionaryError(f"{where}: cannot read: {exc}") from exc
