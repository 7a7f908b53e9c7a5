"""Demands reported as speech: "X said Y must Z" is X's demand of Y, not a claimed event Z.

A news writer often reports a demand as a statement of obligation ("the minister said the army
must withdraw", "insisted that Bolivia has to pay") or as a that-clause of a demanding verb or
noun ("a statement demanding that the militia free the hostages", "its demand that India
withdraw"). The demanded act has not happened (`tacitus.events.modality` keeps it from being
coded as a fact); here we find the clause, who demands it and who must do it. The coder turns
the speaker's statement into the demand, coded by what is demanded
(`tacitus/data/language/demand.yaml`). The words live in `modality.yaml` (obligation, mandative)
and `speech.yaml` (demanding speech verbs, demand nouns).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacy.tokens import Token

from tacitus.events.modality import demanding_word, subjunctive_complement
from tacitus.language import language_data


@dataclass(frozen=True)
class ReportedDemand:
    """One demanded act: `act` is its verb, `clause` the head of the clause whose subject
    must do it ("has" in "has to pay"), `head` the word of saying or demanding that reports it,
    `forbidden` says the act is to be refrained from ("must not attack")."""

    act: Token
    clause: Token
    head: Token
    forbidden: bool


@cache
def _words() -> dict[str, frozenset[str]]:
    modality = language_data("modality")
    speech = language_data("speech")
    return {
        "modals": frozenset(modality["obligation"]["auxiliaries"]),
        "heads": frozenset(modality["obligation"]["heads"]),
        "lifted": frozenset(modality["obligation"]["lifted_by_negation"]),
        "mandative": frozenset(modality["mandative"]),
        "speech": frozenset(speech["demanding_speech_verbs"]),
        "nouns": frozenset(speech["demand_nouns"]),
        "light": frozenset(speech["demand_light_verbs"]),
        "negation": frozenset(modality["negation"]["adverbs"]),
    }


def _negated(token: Token) -> bool:
    negation = _words()["negation"]
    return any(c.dep_ == "neg" or c.lower_ in negation for c in token.children)


def _first_conjunct(token: Token) -> Token:
    """Conjoined verbs share their first conjunct's clause ("must withdraw and disarm")."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


def _obligation(act: Token) -> tuple[Token, bool] | None:
    """The clause that says the act is owed, and whether it is forbidden; None when the act
    is not owed or the obligation is denied ("need not release", "does not have to pay")."""
    words = _words()
    clause = _first_conjunct(act)
    head = clause.head
    if clause.dep_ == "xcomp" and head.lemma_.lower() in words["heads"] and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in clause.children):
        if _negated(head):
            return None
        return head, _negated(clause)
    modals = [c for c in clause.children if c.dep_ == "aux" and c.lower_ in words["modals"]]
    lifting = [c for c in clause.children if c.dep_ == "aux" and c.lower_ in words["lifted"]]
    if modals:
        return clause, _negated(clause)
    if lifting:
        return None if _negated(clause) else (clause, False)
    if subjunctive_complement(clause):
        return clause, _negated(clause)
    return None


def _reporting_head(clause: Token) -> Token | None:
    """The verb of saying or demanding, or the demand noun, whose complement the clause is."""
    words = _words()
    if clause.head.i == clause.i:
        return None
    head = clause.head
    if clause.dep_ in ("ccomp", "parataxis") and head.pos_ in ("VERB", "AUX"):
        return head if head.lemma_.lower() in words["speech"] or demanding_word(head) else None
    if clause.dep_ in ("acl", "ccomp") and head.pos_ in ("NOUN", "PROPN"):
        return head if head.lower_ in words["nouns"] else None
    return None


def demand_reporter(verb: Token) -> bool:
    """Can this verb report a demand as its speaker's own act (a verb of saying or demanding,
    or a light verb with a demand noun: "made a demand that")? "Ignored the demand that"
    reports someone else's demand and is not one."""
    words = _words()
    lemma = verb.lemma_.lower()
    return verb.pos_ in ("VERB", "AUX") and (
        lemma in words["speech"] or lemma in words["mandative"] or lemma in words["light"])


def _generic_subject(clause: Token) -> bool:
    """"Every Syrian has to ...": a universally quantified subject addresses no actor."""
    generic = frozenset(language_data("demand")["generic_determiners"])
    return any(c.dep_ in ("nsubj", "nsubjpass") and any(
        d.dep_ == "det" and d.lower_ in generic for d in c.children) for c in clause.children)


def reported_demand(act: Token) -> ReportedDemand | None:
    """The demand that reports this verb's act as owed, if any. A copula is no act: "the
    court should be the arbiter" is an opinion about the court, not a demand of it."""
    if act.pos_ != "VERB":
        return None
    found = _obligation(act)
    if found is None:
        return None
    clause, forbidden = found
    if _generic_subject(clause):
        return None
    head = _reporting_head(clause)
    if head is None or _negated(head):
        return None
    return ReportedDemand(act, clause, head, forbidden)


def demand_code(act_code: str | None, forbidden: bool) -> str:
    """The demand's CAMEO code from the demanded act's code (longest listed prefix)."""
    data = language_data("demand")
    default: str = data["default"]
    if act_code is None or forbidden:
        return default
    table: dict[str, str] = data["by_act_code"]
    for size in range(len(act_code), 1, -1):
        if act_code[:size] in table:
            return table[act_code[:size]]
    return default
