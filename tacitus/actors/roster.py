"""In-document roles: who the article has introduced, for its later, shorter mentions.

News writers give a person's role once ("Lena Varga, Hungary's envoy to Chile, ...",
"Omar Haddad, a colonel in the army", "Haddad was the first officer to ...", "deputy foreign
minister Ivo Petrov") and afterwards write only "Mr Haddad", "Haddad" or "he". No dictionary
can list such people, so the roster learns them from the document: a name that the
dictionaries do not know takes the code of the role noun in apposition to it, of the role it
is equated with by "to be", or of the role nouns in its own phrase. Each later mention of the
surname becomes an ordinary `Mention` of that code, so phrase coding, pronouns and conjunction
handling treat it like any dictionary name; spaCy often tags such a bare surname at the start of
a sentence as a common noun, so a known surname is recognised by its capital letter alone.

Role nouns work the same way: after "Sudan's foreign minister" or "the Israeli army", news
writes "the minister" and "the army". A definite role noun whose phrase names no country takes
the code of the last phrase built on the same role noun that did.

Works (drafts, plans, statements: `tacitus/data/language/document.yaml`) are remembered with
their authors for the same reason: "Britain circulated a draft ... The draft threatens X" is
Britain's threat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Span, Token

from tacitus.actors.matcher import FUNCTION_POS, CodedActor, Mention, code_phrase, phrase_head
from tacitus.language import language_data

_NAME_PARTS = ("compound", "flat", "punct")
_ROLE_ORIGIN = "document role"
#: Sectors of the role nouns "the X" refers back by: offices, state organs and armed forces
#: ("the minister", "the army", "the rebels"). "The revolution" or "the people" name no one
#: introduced before, and a coded one would stand between a pronoun and its person.
_REFERRING_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY", "REB"})

RoleCoder = Callable[[Token], list[CodedActor]]


@cache
def document_words(name: str) -> frozenset[str]:
    """One word class from `tacitus/data/language/document.yaml` (cached)."""
    return frozenset(language_data("document")[name])


def _covered(token: Token, mentions: list[Mention]) -> Mention | None:
    return next((m for m in mentions if m.start <= token.i < m.end), None)


def name_span(head: Token) -> tuple[int, int]:
    """Tokens [start, end) of a proper name ending in `head` ("Mr Omar al-Haddad")."""
    start = head.i
    for child in sorted(head.children, key=lambda c: -c.i):
        if child.i == start - 1 and child.dep_ in _NAME_PARTS and child.pos_ in ("PROPN", "PUNCT"):
            start = child.i
    return start, head.i + 1


def name_heads(sentence: Span, mentions: list[Mention]) -> list[Token]:
    """Last words of the proper names in a sentence that no dictionary actor covers."""
    heads: list[Token] = []
    for token in sentence:
        if token.pos_ != "PROPN" or token.dep_ in _NAME_PARTS:
            continue
        found = _covered(token, mentions)
        if found is None or found.agent:
            heads.append(token)
    return heads


def is_person_name(head: Token) -> bool:
    """A name spaCy calls a person's, or that a title ("Mr", "Dr") introduces. Only new
    names need this: a surname met before is recognised whatever spaCy calls it."""
    titles = document_words("person_titles")
    return head.ent_type_ == "PERSON" or any(
        c.lower_ in titles and c.dep_ == "compound" for c in head.children)


def person_heads(sentence: Span, mentions: list[Mention]) -> list[Token]:
    """Last words of the person names in a sentence that no dictionary actor covers."""
    return [h for h in name_heads(sentence, mentions) if is_person_name(h)]


def _role_heads(head: Token) -> list[Token]:
    """Nouns that say what the person named by `head` is: an apposition ("Haddad, a
    colonel") or the complement of "to be" ("Haddad was the first officer to ...")."""
    roles = [c for c in head.children if c.dep_ == "appos"]
    if head.dep_ == "nsubj" and head.head.lemma_ == "be":
        roles.extend(c for c in head.head.children if c.dep_ == "attr")
    if head.dep_ == "appos":  # "Hungary's envoy, Lena Varga, ..."
        roles.append(head.head)
    return roles


@dataclass
class Roster:
    """People and works one document has introduced so far."""

    people: dict[str, str] = field(default_factory=dict)
    #: Surnames given two different codes: "Assad" may be two brothers; better none.
    ambiguous: set[str] = field(default_factory=set)
    #: (lemmas naming the work, its author), oldest first.
    works: list[tuple[frozenset[str], CodedActor]] = field(default_factory=list)
    #: Role noun lemma -> (code, kind) of the last phrase on it that named a country.
    roles: dict[str, tuple[str, str]] = field(default_factory=dict)

    def mentions(self, sentence: Span, mentions: list[Mention], code: RoleCoder
                 ) -> list[Mention]:
        """Mentions for the sentence's person names: those met before, then new ones whose
        role this sentence gives. `code` codes a role noun's phrase as the coder would."""
        added = self._known_surnames(sentence, mentions)
        pending = [h for h in name_heads(sentence, mentions) if h.text.upper() not in self.people
                   and (is_person_name(h) or _holds_office(h, mentions))]
        for head in pending:
            role = self._role(head, [*mentions, *added], code)
            if role is not None:
                start, end = name_span(head)
                added.append(Mention(start, end, role, _ROLE_ORIGIN, "person"))
        added.extend(self._definite_roles(sentence, [*mentions, *added]))
        self._learn_roles(sentence, [*mentions, *added])
        return added

    def _known_surnames(self, sentence: Span, mentions: list[Mention]) -> list[Mention]:
        """Names met before, whatever spaCy tags them: a capitalised word, not part of a
        longer name, that no dictionary actor covers."""
        if not self.people:
            return []
        added: list[Mention] = []
        for token in sentence:
            known = self.people.get(token.text.upper())
            if known is None or not token.text[:1].isupper() or token.dep_ in _NAME_PARTS \
                    or token.pos_ in FUNCTION_POS:
                continue  # "May" the auxiliary is no Mr May
            found = _covered(token, mentions)
            if found is None or found.agent:
                start, end = name_span(token)
                added.append(Mention(start, end, known, _ROLE_ORIGIN, "person"))
        return added

    def _definite_roles(self, sentence: Span, mentions: list[Mention]) -> list[Mention]:
        """"The minister", "the army": a definite role noun with no country of its own takes
        the code of the last phrase on the same noun. The mention sits on the determiner,
        inside the phrase, so the role noun still adds its own sector."""
        added: list[Mention] = []
        for mention in _role_mentions(sentence, mentions):
            noun = sentence.doc[mention.end - 1]
            known = self.roles.get(noun.lemma_.lower())
            if known is None or phrase_head(noun).i != noun.i or not is_definite(noun):
                continue
            coded = code_phrase(noun, mentions)
            if coded is None or not coded.cameo.startswith("---"):
                continue
            determiner = next(c for c in noun.children if c.dep_ == "det"
                              and c.lower_ in document_words("definite_determiners"))
            added.append(Mention(determiner.i, determiner.i + 1, known[0], _ROLE_ORIGIN,
                                 known[1]))
        return added

    def _learn_roles(self, sentence: Span, mentions: list[Mention]) -> None:
        """Role nouns whose phrase names a country ("Sudan's foreign minister"), for later."""
        for mention in _role_mentions(sentence, mentions):
            noun = sentence.doc[mention.end - 1]
            coded = code_phrase(phrase_head(noun), mentions)
            if coded is not None and not coded.cameo.startswith("---"):
                self.roles[noun.lemma_.lower()] = (coded.cameo, coded.kind)

    def learn_titled(self, sentence: Span, mentions: list[Mention], code: RoleCoder) -> None:
        """Names whose own phrase holds their role ("deputy envoy Ivo Petrov"), for later."""
        for head in person_heads(sentence, mentions):
            if head.text.upper() in self.people or _covered(head, mentions) is not None:
                continue
            coded = code(head)
            if coded and any(m.agent and m.start < head.i for m in mentions
                             if m.start >= head.left_edge.i):
                self._remember(head, coded[0].cameo)

    def _role(self, head: Token, mentions: list[Mention], code: RoleCoder) -> str | None:
        for role in _role_heads(head):
            found = _covered(role, mentions)
            if found is None or not found.agent:
                continue  # "Haddad, the son of a minister": no role of ours
            coded = code(role)
            if coded and not coded[0].cameo.startswith("---"):
                self._remember(head, coded[0].cameo)
                return coded[0].cameo
        return None

    def _remember(self, head: Token, cameo: str) -> None:
        key = head.text.upper()
        if key in self.ambiguous:
            return
        if self.people.get(key, cameo) != cameo:
            self.ambiguous.add(key)
            del self.people[key]
            return
        self.people[key] = cameo

    # ------------------------------------------------------------------ works

    def add_work(self, head: Token, author: CodedActor) -> None:
        """Remember a work ("a draft resolution") and who made it."""
        lemmas = frozenset({head.lemma_.lower(), *(c.lemma_.lower() for c in head.children
                                                   if c.dep_ == "compound")})
        self.works.append((lemmas, author))

    def work_author(self, head: Token) -> CodedActor | None:
        """The author of an earlier work a definite phrase refers back to ("the draft")."""
        lemma = head.lemma_.lower()
        for lemmas, author in reversed(self.works):
            if lemma in lemmas:
                return author
        return None


def _holds_office(head: Token, mentions: list[Mention]) -> bool:
    """"Lucas Ferreira, Mozambique's envoy": a name given an office in apposition is a
    person's even when spaCy takes it for an organisation's, as it often does foreign names."""
    if head.ent_type_ not in ("PERSON", "ORG", ""):
        return False
    offices = (_covered(r, mentions) for r in _role_heads(head))
    return any(m is not None and m.agent and m.code in _REFERRING_SECTORS for m in offices)


def _role_mentions(sentence: Span, mentions: list[Mention]) -> list[Mention]:
    """The sentence's role nouns of offices, state organs and armed forces."""
    return [m for m in mentions if m.agent and not m.prefix and m.code in _REFERRING_SECTORS
            and sentence.start <= m.start < sentence.end]


def is_work(head: Token) -> bool:
    return head.pos_ == "NOUN" and head.lemma_.lower() in document_words("works")


def is_definite(head: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ in document_words("definite_determiners")
               for c in head.children)
