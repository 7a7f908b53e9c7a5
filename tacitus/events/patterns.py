"""Match a predicate's patterns against the words around it in its clause.

Patterns are read the way PETRARCH users write them: words after `*` must appear after the
predicate, in order, with other words allowed in between; `{A B}` must be adjacent; `(ON X)`
must be a prepositional phrase headed by ON with X inside it; `&SET` is any member of a synset.
Words before `*` are looked for right to left from the predicate. The most specific matching
pattern (most words) wins; ties go to the one listed first.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Token

from tacitus.dictionaries.model import (
    Alternatives,
    Element,
    Pattern,
    Phrase,
    PrepPhrase,
    Slot,
    Word,
)

_SUFFIXES = ("S", "ES", "'S")
_FUNCTION_DEPS = ("det", "predet", "poss", "case", "nummod", "quantmod")


def word_matches(word: Word, token: Token) -> bool:
    """A pattern word matches a token by text, lemma, or (unless exact) a plain inflection."""
    text = token.text.upper()
    target = word.text
    if text == target:
        return True
    if word.exact:
        return False
    if token.lemma_.upper() == target:
        return True
    if target.endswith("Y") and text == target[:-1] + "IES":
        return True
    return len(target) >= 3 and text.startswith(target) and text[len(target) :] in _SUFFIXES


def _as_words(element: Element) -> tuple[Word, ...] | None:
    """The single words an element can stand for, or None if it is more than a word."""
    if isinstance(element, Word):
        return (element,)
    if isinstance(element, Alternatives) and all(len(o) == 1 for o in element.options):
        return tuple(o[0] for o in element.options)
    return None


def _any_matches(words: tuple[Word, ...] | None, token: Token) -> bool:
    return bool(words) and any(word_matches(w, token) for w in words or ())


@dataclass(frozen=True)
class Match:
    """A pattern that matched, with the token positions of its words and slots."""

    pattern: Pattern
    tokens: tuple[int, ...]
    source_from: int | None = None
    target_from: int | None = None


class _Matcher:
    """Greedy left-to-right matching of elements over an ordered token list."""

    def __init__(self, tokens: Sequence[Token], heads: frozenset[int] | None = None,
                 forms: Sequence[frozenset[str]] | None = None,
                 index: dict[str, list[int]] | None = None) -> None:
        self.tokens = tokens
        self.slots: dict[str, int] = {}
        self.heads = heads
        self.skipped: set[int] = set()
        self.forms = forms if forms is not None else [token_forms(t) for t in tokens]
        self._index = index

    def matches(self, word: Word, index: int) -> bool:
        """`word_matches` on a precomputed form set (the hot path of pattern matching)."""
        if word.exact:
            return self.tokens[index].text.upper() == word.text
        return word.text in self.forms[index]

    def sequence(self, elements: Sequence[Element], start: int, contiguous: bool = False,
                 top: bool = False) -> list[int] | None:
        position = start
        used: list[int] = []
        for element in elements:
            if top and self.heads is not None and isinstance(element, Word):
                found = self._head_word(element, position)
            else:
                found = self.element(element, position, contiguous and bool(used))
            if found is None:
                return None
            if found:
                used.extend(found)
                position = found[-1] + 1
        return used

    def element(self, element: Element, start: int, anchored: bool) -> list[int] | None:
        if isinstance(element, Slot):
            if element.kind == "^":
                return self._skip_phrase(start)
            self.slots.setdefault(element.kind, start)
            return []
        last = start + 1 if anchored else len(self.tokens)
        if isinstance(element, Word) and not element.exact:
            # jump straight to where the word occurs instead of trying every position
            hits = self._positions().get(element.text, ())
            index = bisect.bisect_left(hits, start)
            return [hits[index]] if index < len(hits) and hits[index] < last else None
        for index in range(start, min(last, len(self.tokens))):
            found = self._at(element, index)
            if found is not None:
                return found
        return None

    def _positions(self) -> dict[str, list[int]]:
        if self._index is None:
            self._index = positions(self.forms)
        return self._index

    def _head_word(self, word: Word, start: int) -> list[int] | None:
        """A bare word before `*` names the subject's head, not any word of the subject."""
        for index in range(start, len(self.tokens)):
            token = self.tokens[index]
            if self.heads is not None and token.i in self.heads and self.matches(word, index):
                return [index]
        return None

    def _skip_phrase(self, start: int) -> list[int]:
        """`^`: step over the noun phrase that starts here (the object of a preposition)."""
        if start >= len(self.tokens):
            return []
        token = self.tokens[start]
        objects = [c for c in token.children if c.dep_ == "pobj"] if token.pos_ == "ADP" else []
        last = (objects[0] if objects else token).i  # up to the noun, not its own phrases
        skipped = [i for i in range(start, len(self.tokens)) if self.tokens[i].i <= last]
        self.skipped.update(skipped)
        return skipped[-1:] if skipped else []

    def _at(self, element: Element, index: int) -> list[int] | None:
        if isinstance(element, Word):
            return [index] if self.matches(element, index) else None
        if isinstance(element, Phrase):
            return self._contiguous(element.elements, index)
        if isinstance(element, Alternatives):
            found = self._phrase_option(element, index)
            if found is not None:  # "artillery fire" before "artillery"
                return found
            if not element.single_words.isdisjoint(self.forms[index]):
                return [index]
            if any(o[0].exact and self.matches(o[0], index)
                   for o in element.options if len(o) == 1):
                return [index]
            return None
        if isinstance(element, PrepPhrase):
            return self._prep(element, index)
        return None

    def _phrase_option(self, element: Alternatives, index: int) -> list[int] | None:
        """The longest multi-word option of a synset standing word by word from `index`.

        Only options whose first word can name this token are tried (`_SynsetIndex`): a
        synset may list hundreds of phrases, and trying each one was the matcher's
        costliest step.
        """
        synset = _synset_index(element)
        if not synset.options:
            return None  # most synsets list single words only
        for option in synset.starting_at(self, index):
            end = index + len(option)
            if end <= len(self.tokens) and all(
                    self.matches(word, at) for at, word in enumerate(option[1:], index + 1)):
                return list(range(index, end))
        return None

    def _contiguous(self, elements: Sequence[Element], index: int) -> list[int] | None:
        found = self.sequence(elements, index, contiguous=True)
        if found and found[0] == index and found == list(range(index, index + len(found))):
            return found
        return self._headed(elements, index)

    def _headed(self, elements: Sequence[Element], index: int) -> list[int] | None:
        """`{NEW ECONOMIC RELATIONS}` also matches "new global economic relations": the last
        word is the phrase's head and the others its modifiers, in order, gaps allowed."""
        words = [_as_words(e) for e in elements]
        if len(elements) < 2 or any(w is None for w in words):
            return None
        token = self.tokens[index]
        if not _any_matches(words[0], token):
            return None
        head = token
        while head.dep_ in ("amod", "compound", "nmod", "nummod", "det", "conj", "cc") and \
                head.head.i != head.i and head.head.i > head.i:
            head = head.head
        if not _any_matches(words[-1], head) or head.i <= token.i:
            return None
        positions = {t.i: n for n, t in enumerate(self.tokens)}
        found = [index]
        cursor = token.i
        for word in words[1:-1]:
            middle = [t for t in head.subtree
                      if cursor < t.i < head.i and _any_matches(word, t) and t.i in positions]
            if not middle:
                return None
            cursor = middle[0].i
            found.append(positions[cursor])
        if head.i not in positions:
            return None
        last = self.tokens[found[-1]]
        between = list(head.doc[last.i + 1 : head.i])
        if between and not any(t.dep_ == "cc" for t in between):
            # the word before the head must stand next to it ("economic relations"), unless
            # it is coordinated with another modifier ("death and injury toll")
            return None
        return [*found, positions[head.i]]

    def _prep(self, element: PrepPhrase, index: int) -> list[int] | None:
        token = self.tokens[index]
        first, *rest = element.elements or (None,)
        if not isinstance(first, Word) or not self.matches(first, index):
            return None
        if token.pos_ not in ("ADP", "SCONJ", "PART", "ADV") and token.dep_ not in (
            "prep", "agent", "dative", "mark", "aux", "prt",
        ):
            return None
        if not rest:
            return [index]
        # Subtrees as (left edge, right edge) ranges: spaCy's parses are projective, and
        # walking `subtree` here was one of the coder's costliest steps.
        inside = [(token.left_edge.i, token.right_edge.i)]
        if token.dep_ in ("aux", "mark"):
            inside.append((token.head.left_edge.i, token.head.right_edge.i))
        if token.dep_ == "prt":  # "clash over the efforts": the object follows the particle
            inside.append((token.i + 1, token.head.right_edge.i))
        start = index + 1
        while start < len(self.tokens) and self.tokens[start].dep_ in _FUNCTION_DEPS:
            start += 1
        first_hit = self.element(rest[0], start, anchored=True)
        if first_hit is None:
            return None  # "(FOR ASYLUM)" wants "for asylum", not "for foreign asylum"
        found = self.sequence(rest, start)
        if found is None or not all(
            any(low <= self.tokens[i].i <= high for low, high in inside)
            for i in found if i not in self.skipped
        ):
            return None
        return [index, *found]


@dataclass(frozen=True)
class Regions:
    """A predicate's two regions with their word forms and where each form occurs, worked
    out once and shared by every entry and pattern tried on that predicate."""

    before: list[Token]  # the subject phrase, in sentence order
    after: list[Token]  # the predicate's own phrases
    before_forms: list[frozenset[str]]
    after_forms: list[frozenset[str]]
    before_index: dict[str, list[int]]
    after_index: dict[str, list[int]]
    present_before: frozenset[str]
    present_after: frozenset[str]
    present: frozenset[str]


def prepare(before: Sequence[Token], after: Sequence[Token]) -> Regions:
    """Word forms and positions of a predicate's regions, computed once for all its entries."""
    ordered = sorted(before, key=lambda t: t.i)
    before_forms = [token_forms(t) for t in ordered]
    after_forms = [token_forms(t) for t in after]
    before_index, after_index = positions(before_forms), positions(after_forms)
    present_before, present_after = frozenset(before_index), frozenset(after_index)
    return Regions(ordered, list(after), before_forms, after_forms, before_index, after_index,
                   present_before, present_after, present_before | present_after)


def match_pattern(pattern: Pattern, regions: Regions, heads: frozenset[int] | None = None
                  ) -> Match | None:
    """Try one pattern: `regions.before` is the subject, `regions.after` the predicate's own
    phrases; `heads` are the subject's head words, which bare words before `*` must name."""
    before, after = regions.before, regions.after
    after_forms, after_index = regions.after_forms, regions.after_index
    before_forms, before_index = regions.before_forms, regions.before_index
    after_matcher = _Matcher(after, forms=after_forms, index=after_index)
    after_hits = after_matcher.sequence(pattern.after, 0)
    if after_hits is None:
        return None
    before_matcher = _Matcher(before, heads, before_forms, before_index)
    before_hits = before_matcher.sequence(pattern.before, 0, top=True)
    if before_hits is None:
        return None
    tokens = tuple(sorted([after[i].i for i in after_hits] + [before[i].i for i in before_hits]))
    source = after_matcher.slots.get("$")
    target = after_matcher.slots.get("+")
    return Match(
        pattern,
        tokens,
        source_from=after[source].i if source is not None and source < len(after) else None,
        target_from=after[target].i if target is not None and target < len(after) else None,
    )


def _rank(match: Match, compound_subject: bool) -> tuple[int, int, int]:
    """Most words matched; then a prepositional phrase; then `%` for a compound subject."""
    has_prep = any(isinstance(e, PrepPhrase) for e in match.pattern.after)
    reciprocal = match.pattern.reciprocal and compound_subject
    return (len(match.tokens), int(has_prep), int(reciprocal))


def positions(forms: Sequence[frozenset[str]]) -> dict[str, list[int]]:
    """Where each word form occurs in a region (ascending positions)."""
    index: dict[str, list[int]] = {}
    for number, token_forms_ in enumerate(forms):
        for form in token_forms_:
            index.setdefault(form, []).append(number)
    return index


def token_forms(token: Token) -> frozenset[str]:
    """Every (non-exact) pattern word that matches this token: text, lemma, plural stems."""
    text = token.text.upper()
    forms = {text, token.lemma_.upper()}
    if text.endswith("S") and len(text) > 3:
        forms.add(text[:-1])
        if text.endswith("ES") and len(text) > 4:
            forms.add(text[:-2])
        if text.endswith("'S"):
            forms.add(text[:-2])
        if text.endswith("IES"):
            forms.add(text[:-3] + "Y")
    return frozenset(forms)


class _Index:
    """Patterns of one entry, reachable from the words they need: only patterns whose words
    occur in the clause are tried (a verb such as "call" has hundreds of patterns)."""

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        self.patterns = patterns
        self.always: list[int] = []
        self.by_word: dict[str, list[int]] = {}
        for number, pattern in enumerate(patterns):
            keys = pattern.required_after | pattern.required_before
            if not keys and pattern.option_groups:
                keys = pattern.option_groups[0]
            if not keys:
                self.always.append(number)
            for key in keys:
                self.by_word.setdefault(key, []).append(number)

    def candidates(self, present: frozenset[str]) -> list[Pattern]:
        """Patterns that may match words `present`, in their listed order. Walks whichever
        is shorter: most entries key a handful of words, a clause holds dozens of forms."""
        numbers = set(self.always)
        if len(self.by_word) < len(present):
            for word, keyed in self.by_word.items():
                if word in present:
                    numbers.update(keyed)
        else:
            for word in present:
                numbers.update(self.by_word.get(word, ()))
        return [self.patterns[n] for n in sorted(numbers)]


_INDEXES: dict[int, tuple[Sequence[Pattern], _Index]] = {}


class _SynsetIndex:
    """A synset's multi-word options by their first word, longest first as in
    `Alternatives.longest_first`; options starting with an exact word are kept apart, as
    they match the token's text only."""

    def __init__(self, element: Alternatives) -> None:
        self.by_first: dict[str, list[int]] = {}
        self.exact: list[int] = []
        self.options = [o for o in element.longest_first if len(o) > 1]
        for rank, option in enumerate(self.options):
            first = option[0]
            if first.exact:
                self.exact.append(rank)
            else:
                self.by_first.setdefault(first.text, []).append(rank)

    def starting_at(self, matcher: _Matcher, index: int) -> list[tuple[Word, ...]]:
        """Options whose first word matches the token at `index`, in the synset's order."""
        ranks = [r for form in matcher.forms[index] for r in self.by_first.get(form, ())]
        ranks.extend(r for r in self.exact if matcher.matches(self.options[r][0], index))
        return [self.options[r] for r in sorted(ranks)]


_SYNSETS: dict[int, tuple[Alternatives, _SynsetIndex]] = {}


def _synset_index(element: Alternatives) -> _SynsetIndex:
    cached = _SYNSETS.get(id(element))
    if cached is None or cached[0] is not element:
        cached = (element, _SynsetIndex(element))
        _SYNSETS[id(element)] = cached
    return cached[1]


def _index(patterns: Sequence[Pattern]) -> _Index:
    cached = _INDEXES.get(id(patterns))
    if cached is None or cached[0] is not patterns:
        cached = (patterns, _Index(patterns))
        _INDEXES[id(patterns)] = cached
    return cached[1]


def best_match(patterns: Sequence[Pattern], regions: Regions,
               heads: frozenset[int] | None = None) -> Match | None:
    """The most specific matching pattern (see `_rank`); the first listed among equals."""
    if not patterns:
        return None
    compound_subject = heads is not None and len(heads) > 1
    present_before, present_after = regions.present_before, regions.present_after
    present = regions.present
    best: Match | None = None
    for pattern in _index(patterns).candidates(present):
        if pattern.reciprocal and not compound_subject:
            continue  # "%" pairs the members of a compound subject; alone it means nothing
        if not (pattern.required_after <= present_after
                and pattern.required_before <= present_before
                and all(not group.isdisjoint(present) for group in pattern.option_groups)):
            continue
        found = match_pattern(pattern, regions, heads)
        if found is not None and (
            best is None or _rank(found, compound_subject) > _rank(best, compound_subject)
        ):
            best = found
    return best
