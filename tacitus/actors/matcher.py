"""Find actor names and role nouns in a parsed sentence, and code noun phrases with them.

A noun phrase's code is built the way CAMEO builds it: optional prefix agents (NGO~), the
country or organisation named in the phrase, then the sector agents in text order ("Danish
Islamist media" -> DNK + MUS + MED). The phrase is the head noun with its modifiers, plus the
object of "of/in/from" when the head is a role noun ("soldiers from Gondor", "the government of
Gondor"), and never its relative clauses, appositions or other conjuncts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from tacitus.dictionaries.model import ActorEntry, AgentEntry, Dictionaries
from tacitus.language import word_set

_INFLECTIONS = ("S", "ES", "'S")
_PHRASE_EXCLUDED_DEPS = {
    "relcl", "acl", "appos", "conj", "cc", "punct", "advcl", "ccomp", "xcomp", "parataxis",
    "preconj", "dep", "nsubj", "nsubjpass", "aux", "auxpass",
}


@dataclass(frozen=True)
class Mention:
    """A dictionary hit: tokens [start, end) of the sentence's doc."""

    start: int
    end: int
    code: str
    origin: str
    kind: str
    agent: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class CodedActor:
    """A noun phrase coded as an actor: its full CAMEO code and the tokens that gave it."""

    cameo: str
    head: int
    start: int
    end: int
    origins: tuple[str, ...]
    kind: str


#: Parts of speech of function words, which a name or acronym spelled the same is not ("us",
#: "who", "May" the auxiliary).
FUNCTION_POS = frozenset({"PRON", "DET", "AUX", "ADP", "SCONJ", "CCONJ", "PART"})


class _Nominals:
    """Upper-cased lemmas of a sentence's nouns ("" for other words), read only for the
    tokens a dictionary entry asks about, once each: many entries share a first word."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.lemmas: dict[int, str] = {}

    def lemma(self, at: int) -> str:
        found = self.lemmas.get(at)
        if found is None:
            token = self.tokens[at]
            found = token.lemma_.upper() if token.pos_ in ("NOUN", "PROPN") else ""
            self.lemmas[at] = found
        return found


def _token_matches(word: str, text: str, exact: bool, nominals: _Nominals, at: int) -> bool:
    """Does dictionary `word` name token `at` (whose upper-cased text is `text`)?"""
    if text == word:
        return True
    if exact:
        return False
    if len(word) >= 4 and text.startswith(word) and text[len(word) :] in _INFLECTIONS:
        return True
    return nominals.lemma(at) == word


class ActorMatcher:
    """Index of actor and agent phrases, matched longest-first on token sequences."""

    def __init__(self, dictionaries: Dictionaries) -> None:
        self._actors: dict[str, list[ActorEntry]] = defaultdict(list)
        self._agents: dict[str, list[AgentEntry]] = defaultdict(list)
        self._stems: dict[str, list[ActorEntry]] = defaultdict(list)
        for actor in dictionaries.actors:
            self._actors[actor.words[0]].append(actor)
            if not actor.exact and len(actor.words[0]) >= 4:
                self._stems[actor.words[0][:4]].append(actor)
        for agent in dictionaries.agents:
            self._agents[agent.words[0]].append(agent)
        for entries in self._actors.values():
            entries.sort(key=lambda e: -len(e.words))
        for stem_entries in self._stems.values():
            stem_entries.sort(key=lambda e: -len(e.words))
        for agent_entries in self._agents.values():
            agent_entries.sort(key=lambda e: -len(e.words))
        self._first_words = frozenset(self._actors) | frozenset(self._agents)

    def mentions(self, sentence: Span, day: dt.date | None,
                 tokens: Sequence[Token] | None = None) -> list[Mention]:
        """All actor and agent hits in a sentence, longest match first, no overlaps.
        `tokens` are the sentence's tokens when the caller has them already."""
        tokens = list(sentence) if tokens is None else tokens
        uppers = [token.text.upper() for token in tokens]
        nominals = _Nominals(tokens)
        found: list[Mention] = []
        at = 0
        while at < len(tokens):
            upper = uppers[at]
            if upper not in self._first_words and upper[:4] not in self._stems:
                at += 1  # most words start no entry
                continue
            hit = self._match_at(tokens, uppers, nominals, at, day)
            if hit is None:
                at += 1
                continue
            found.append(hit)
            at = hit.end - sentence.start
        return found

    def _match_at(self, tokens: Sequence[Token], uppers: list[str], nominals: _Nominals,
                  at: int, day: dt.date | None) -> Mention | None:
        """The longest entry starting at `tokens[at]` (positions are sentence-relative)."""
        upper = uppers[at]
        actors = self._actors.get(upper, ())
        stems = self._stems.get(upper[:4], ())
        agents = self._agents.get(upper, ())
        token = tokens[at]
        index = token.i
        # "us", "who", "it" are words, not the US, the WHO or IT
        function_word = token.pos_ in FUNCTION_POS and token.is_lower
        best: Mention | None = None
        for entry in [*actors, *stems]:
            size = len(entry.words)
            if at + size > len(tokens) or (best and size <= best.end - best.start):
                continue
            if size == 1 and function_word:
                continue
            last = size - 1
            if all(
                _token_matches(word, uppers[at + offset], entry.exact or offset < last,
                               nominals, at + offset)
                and not (offset in entry.cased and tokens[at + offset].is_lower)
                for offset, word in enumerate(entry.words)
            ):
                code = entry.code_on(day)
                if code:
                    best = Mention(index, index + size, code, entry.origin, entry.kind)
        for agent in agents:
            size = len(agent.words)
            if at + size > len(tokens) or (best and size <= best.end - best.start):
                continue
            if all(
                _token_matches(word, uppers[at + offset], True, nominals, at + offset)
                for offset, word in enumerate(agent.words)
            ):
                best = Mention(index, index + size, agent.code, agent.origin, "agent", True,
                               agent.prefix)
        return best


def phrase_tokens(head: Token, role_heads: frozenset[int] = frozenset()) -> list[Token]:
    """The tokens of the noun phrase headed by `head`, without clauses or other conjuncts.

    "of X" belongs to the phrase ("the population of Gondor"); "in X" and "from X" only when
    the head is a role noun ("lawmakers in Arnor", "soldiers from Gondor"), since "an attack
    in Ithilen" is about a place, not an actor.
    """
    tokens = [head]
    for child in head.children:
        if child.dep_ in _PHRASE_EXCLUDED_DEPS:
            continue
        if child.dep_ == "prep":
            owner = child.lower_ == "of" or (
                child.lower_ in word_set("owner_prepositions") and head.i in role_heads
            )
            if owner:
                tokens.extend(t for obj in child.children if obj.dep_ == "pobj"
                              for t in phrase_tokens(obj, role_heads))
                tokens.append(child)
            continue
        tokens.extend(phrase_tokens(child, role_heads))
    return sorted(tokens, key=lambda t: t.i)


def conjuncts(head: Token) -> list[Token]:
    """The head and the heads conjoined to it ("Russia and China", "Mordor, Rohan and Bree")."""
    heads = [head]
    for child in head.children:
        if child.dep_ == "conj":
            heads.extend(conjuncts(child))
        elif child.dep_ == "appos" and (
            (child.pos_ == "PROPN" and any(c.dep_ == "cc" for c in head.children))
            or any(c.dep_ == "conj" for c in child.children)
        ):
            # "Mordor, the Shire, Arnor and Bree": a list the parser took for an apposition
            heads.extend(conjuncts(child))
    return heads


def code_phrase(head: Token, mentions: Iterable[Mention]) -> CodedActor | None:
    """Code one noun phrase from the mentions that fall inside it."""
    mentions = list(mentions)
    roles = frozenset(i for m in mentions if m.agent for i in range(m.start, m.end))
    positions = {t.i for t in phrase_tokens(head, roles)}
    inside = [m for m in mentions if m.start in positions or (m.end - 1) in positions]
    actors = [m for m in inside if not m.agent]
    agents = [m for m in inside if m.agent]
    if not actors and not agents:
        return None
    owner = _owner(head, actors)
    base = owner.code if owner else "---"
    prefixes = "".join(a.code for a in agents if a.prefix)
    suffix = ""
    for agent in agents:
        if agent.prefix:
            continue
        if agent.code and agent.code not in base[3:] and agent.code not in suffix:
            suffix += agent.code
    cameo = prefixes + base + suffix
    if not actors and not prefixes:
        cameo = "---" + suffix
    used = [*actors, *agents]
    return CodedActor(
        cameo=cameo,
        head=head.i,
        start=min(m.start for m in used),
        end=max(m.end for m in used),
        origins=tuple(m.origin for m in used),
        kind=owner.kind if owner else "agent",
    )


def phrase_head(token: Token) -> Token:
    """The noun a modifier belongs to ("Mordor" in "the Mordor police" -> "police")."""
    while token.dep_ in ("compound", "amod", "nmod", "poss", "det", "nummod") and \
            token.head.i != token.i:
        token = token.head
    return token


def _owner(head: Token, actors: list[Mention]) -> Mention | None:
    """Which named actor owns the phrase: one covering the head, else the leftmost."""
    for mention in actors:
        if mention.start <= head.i < mention.end:
            return _state_lived_in(head, mention, actors) or mention
    return min(actors, key=lambda m: m.start) if actors else None


def _state_lived_in(head: Token, people: Mention, actors: list[Mention]) -> Mention | None:
    """"The Albanians of southern Serbia": a people named with the country it lives in
    belongs to that country, not to the one its name comes from."""
    if people.kind != "country" or head.tag_ not in ("NNS", "NNPS"):
        return None
    places = {t.i for prep in head.children if prep.dep_ == "prep" and prep.lower_ == "of"
              for t in prep.subtree}
    return next((m for m in actors if m.kind == "country" and m.start in places), None)
