"""Find the predicates (verbs and event nouns) of a sentence that the dictionaries know.

A token selects dictionary entries by its surface form first ("left" is LEFT, a departure, not
LEAVE), then by lemma. A multi-word entry also needs its other words: a particle or the next
word after the head ("BREAK_DOWN"), the word just before it ("WIRE_+TAP").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from spacy.tokens import Token

from tacitus.dictionaries.model import Dictionaries, PredicateEntry
from tacitus.events.arguments import misparsed_object

_VERB_TAGS = ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ")
_NOT_PREDICATES = frozenset({"be", "have", "do"})
_OPEN_CLASSES = frozenset({"VERB", "AUX", "NOUN", "PROPN", "ADJ"})


class PredicateIndex:
    """Lookup from token text or lemma to the predicate entries it may stand for."""

    def __init__(self, dictionaries: Dictionaries) -> None:
        self._verbs: dict[str, list[PredicateEntry]] = defaultdict(list)
        self._nouns: dict[str, list[PredicateEntry]] = defaultdict(list)
        #: `_rank`'s answer by (verb?, text, lemma): the same words recur in every document,
        #: and only dictionary words are kept, so the table stays as small as the dictionary.
        self._ranked: dict[tuple[bool, str, str], list[PredicateEntry]] = {}
        for entry in dictionaries.predicates:
            table = self._nouns if entry.noun else self._verbs
            for key in (entry.lemma, *entry.forms):
                if entry not in table[key]:
                    table[key].append(entry)

    def entries(self, token: Token) -> list[PredicateEntry]:
        """Entries the token can stand for, multi-word ones first, surface form before lemma."""
        pos = token.pos_
        if pos not in _OPEN_CLASSES:
            return []  # most tokens: no dictionary work at all
        if pos == "AUX" and token.lemma_.lower() in _NOT_PREDICATES:
            return []
        if _adjectival_participle(token):
            return []  # "the ousted president", "banned outfits": a description, no event
        is_verb = pos == "VERB" or token.tag_ in _VERB_TAGS
        is_noun = pos in ("NOUN", "PROPN")
        table = self._verbs if is_verb else self._nouns if is_noun else None
        if table is None:
            return []
        text, lemma = token.text.upper(), token.lemma_.upper()
        if text not in table and lemma not in table:
            return []
        key = (is_verb, text, lemma)
        ranked = self._ranked.get(key)
        if ranked is None:
            ranked = self._ranked[key] = _rank(table, text, lemma)
        return [e for e in ranked if _context_fits(e, token)]

    def find(self, tokens: Iterable[Token]) -> Iterator[tuple[Token, list[PredicateEntry]]]:
        """Each token (of a sentence, in order) that is a known predicate, with its entries
        (best first)."""
        for token in tokens:
            entries = self.entries(token)
            if entries:
                yield token, entries


def _adjectival_participle(token: Token) -> bool:
    """A past participle modifying a noun ("the besieged town"), unless it is a verb the parser
    hung on its object: with the auxiliary on the noun ("have blocked attempts") or its own
    subject ("soldiers assaulted female protesters")."""
    return token.dep_ == "amod" and token.tag_ == "VBN" and misparsed_object(token) is None \
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)


def _rank(table: dict[str, list[PredicateEntry]], text: str, lemma: str
          ) -> list[PredicateEntry]:
    """The entries a word may stand for, multi-word ones first, surface form before lemma
    (before each entry's context is checked: a stable sort keeps that order among equals)."""
    by_text = table.get(text, [])
    by_lemma = [e for e in table.get(lemma, []) if e not in by_text and e.by_lemma]
    return sorted([*by_text, *by_lemma], key=lambda e: -(len(e.before) + len(e.after)))


def _context_fits(entry: PredicateEntry, token: Token) -> bool:
    doc = token.doc
    for offset, word in enumerate(reversed(entry.before), start=1):
        index = token.i - offset
        if index < 0 or doc[index].text.upper() != word:
            return False
    if not entry.after:
        return True
    particles = [c.text.upper() for c in token.children if c.dep_ in ("prt", "prep", "advmod")]
    following = [t.text.upper() for t in doc[token.i + 1 : token.i + 1 + len(entry.after)]]
    return list(entry.after) == following or (
        len(entry.after) == 1 and entry.after[0] in particles
    )
