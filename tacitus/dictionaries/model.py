"""In-memory form of the coding dictionaries, whatever file format they came from.

Two formats are read into these types side by side: Tacitus YAML (the built-in knowledge) and
PETRARCH's own text files. The engine only ever sees these types, so a dictionary's format never
leaks into the coding logic.

Words are stored upper-case. A pattern word matches a token whose text or lemma equals it, or
(unless the word is *exact*) whose text starts with it and is at most a few letters longer, the
stem matching PETRARCH users rely on ("RESOLUTION" matches "resolutions").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

SlotKind = Literal["$", "+", "^", "%"]


@dataclass(frozen=True)
class DatedCode:
    """An actor code, optionally valid only between two dates (both inclusive)."""

    code: str
    start: dt.date | None = None
    end: dt.date | None = None

    def valid_on(self, day: dt.date | None) -> bool:
        if day is None:
            return self.start is None and self.end is None
        if self.start and day < self.start:
            return False
        return not (self.end and day > self.end)


@dataclass(frozen=True)
class ActorEntry:
    """A name (one or more words) that denotes an actor, with its code(s) over time.

    `kind` says what sort of name it is: `country`, `capital` (a seat of power: an actor only
    when it acts), `igo`, `group`, `person`, `other`. `sector` is the PLOVER sector when known.
    `cased` are the positions of words that name the actor only when written with a capital
    (a person's names, acronyms): lower-case "rice" or "ban" is a common word, not a name.
    """

    words: tuple[str, ...]
    codes: tuple[DatedCode, ...]
    origin: str
    kind: str = "other"
    exact: bool = False
    cased: frozenset[int] = frozenset()

    def code_on(self, day: dt.date | None) -> str | None:
        """The code for this date: the narrowest dated code that covers it, else the default.

        The narrowest range wins so that a short special period ("envoy for five months")
        overrides a long one that contains it.
        """
        if day is not None:
            covering = [d for d in self.codes if (d.start or d.end) and d.valid_on(day)]
            if covering:
                return min(covering, key=_span_days).code
        for dated in reversed(self.codes):
            if dated.start is None and dated.end is None:
                return dated.code
        if day is None and self.codes:
            # no date to go by: the most recent role is the best guess
            return max(self.codes, key=lambda d: d.end or dt.date.max).code
        return None


def _span_days(dated: DatedCode) -> int:
    start = dated.start or dt.date.min
    end = dated.end or dt.date.max
    return (end - start).days


@dataclass(frozen=True)
class AgentEntry:
    """A role noun ("ambassador", "troops") that gives an actor its sector.

    `code` is appended to the country code (`~GOV`: SYR + GOV = SYRGOV) unless `prefix` is set
    (`NGO~`: NGO + ARN = NGOARN).
    """

    words: tuple[str, ...]
    code: str
    origin: str
    prefix: bool = False


@dataclass(frozen=True)
class Word:
    """One word of a pattern."""

    text: str
    exact: bool = False


@dataclass(frozen=True)
class Alternatives:
    """A synset reference: any one of several word sequences."""

    name: str
    options: tuple[tuple[Word, ...], ...]

    @cached_property
    def longest_first(self) -> tuple[tuple[Word, ...], ...]:
        return tuple(sorted(self.options, key=len, reverse=True))

    @cached_property
    def single_words(self) -> frozenset[str]:
        """The one-word options, for a fast membership test (exact words excluded)."""
        return frozenset(o[0].text for o in self.options if len(o) == 1 and not o[0].exact)


@dataclass(frozen=True)
class Phrase:
    """`{A B}`: words that must stand next to each other, in order."""

    elements: tuple[Element, ...]


@dataclass(frozen=True)
class PrepPhrase:
    """`(ON X)`: a prepositional phrase; the first word is the preposition."""

    elements: tuple[Element, ...]


@dataclass(frozen=True)
class Slot:
    """`$` source here, `+` target here, `%` both ways (reciprocal), `^` skip a phrase."""

    kind: SlotKind


Element = Word | Alternatives | Phrase | PrepPhrase | Slot


@dataclass(frozen=True)
class Pattern:
    """A verb or noun pattern: words around the predicate (`*`) and the code it gives.

    `paired` is the code of the reverse event (`[042:043]`: a visit and the hosting of it).
    `code == "---"` means the pattern matches but produces no event (a deliberate null).
    """

    before: tuple[Element, ...]
    after: tuple[Element, ...]
    code: str
    rule: str
    paired: str | None = None
    example: str | None = None
    reciprocal: bool = False

    @cached_property
    def required_before(self) -> frozenset[str]:
        """Words that must occur before `*`: a cheap test before the real match."""
        return frozenset(_plain_words(self.before))

    @cached_property
    def required_after(self) -> frozenset[str]:
        """Words that must occur after `*`."""
        return frozenset(_plain_words(self.after))

    @cached_property
    def option_groups(self) -> tuple[frozenset[str], ...]:
        """For each synset in the pattern, the first words of its options: one must occur."""
        return _option_groups(self.before) + _option_groups(self.after)


def _option_groups(elements: tuple[Element, ...]) -> tuple[frozenset[str], ...]:
    groups: list[frozenset[str]] = []
    for element in elements:
        if isinstance(element, Alternatives):
            groups.append(frozenset(o[0].text for o in element.options if o))
        elif isinstance(element, Phrase | PrepPhrase):
            groups.extend(_option_groups(element.elements))
    return tuple(groups)


def _plain_words(elements: tuple[Element, ...]) -> list[str]:
    words: list[str] = []
    for element in elements:
        if isinstance(element, Word):
            words.append(element.text)
        elif isinstance(element, Phrase | PrepPhrase):
            words.extend(_plain_words(element.elements))
    return words


@dataclass
class PredicateEntry:
    """A verb (or event noun) and the patterns that refine its code.

    `lemma` is the head word; `forms` are extra surface forms (irregular inflections) that
    also select it; `by_lemma` says whether any inflection of the lemma selects it (Tacitus
    YAML) or only the listed surface forms (PETRARCH files, whose authors list them);
    `before`/`after` are the other words of a multi-word predicate
    ("WIRE_+TAP" has before=("WIRE",), "BREAK_DOWN" has after=("DOWN",)).
    """

    lemma: str
    code: str
    origin: str
    forms: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    paired: str | None = None
    patterns: list[Pattern] = field(default_factory=list)
    noun: bool = False
    by_lemma: bool = True
    example: str | None = None


@dataclass(frozen=True)
class Discard:
    """A phrase that marks a sentence (or, with `story`, a whole document) as off-topic."""

    words: tuple[str, ...]
    story: bool
    origin: str


@dataclass
class Dictionaries:
    """Everything the coder knows, merged from any number of dictionary files."""

    predicates: list[PredicateEntry] = field(default_factory=list)
    actors: list[ActorEntry] = field(default_factory=list)
    agents: list[AgentEntry] = field(default_factory=list)
    discards: list[Discard] = field(default_factory=list)
    ontology: dict[str, int] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def merge(self, other: Dictionaries) -> Dictionaries:
        """Add another dictionary's entries; later files come after earlier ones."""
        self.predicates.extend(other.predicates)
        self.actors.extend(other.actors)
        self.agents.extend(other.agents)
        self.discards.extend(other.discards)
        self.ontology.update(other.ontology)
        self.sources.extend(other.sources)
        self.warnings.extend(other.warnings)
        return self
