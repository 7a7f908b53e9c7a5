"""Is the event asserted as a fact, or negated, hypothetical, conditional or future?

Peers code "did not attack", "would allow", "if it does not stop" and "will visit" as facts.
We read the clause around the predicate: spaCy's `neg` dependency and negating determiners on
the object, modal and future auxiliaries, conditional subordinators, and control verbs whose
complement has not happened ("refused to", "plans to"). A predicate inherits the modality of
the clause that governs it ("would allow the council to authorise": authorise is hypothetical).
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Token

from tacitus.events.speech import governing_speech_verb
from tacitus.language import language_data
from tacitus.records import Modality

_CLAUSE_LINKS = {"xcomp", "ccomp", "conj", "advcl", "acl", "relcl", "pcomp", "csubj"}


@cache
def _words() -> dict[str, frozenset[str]]:
    data = language_data("modality")
    return {
        "future_aux": frozenset(data["future"]["auxiliaries"]),
        "future_heads": frozenset(data["future"]["heads"]),
        "reported_future": frozenset(data["future"]["reported"]),
        "hypothetical": frozenset(data["hypothetical"]["auxiliaries"]),
        "conditional": frozenset(data["conditional"]["markers"]),
        "neg_det": frozenset(data["negation"]["determiners"]),
        "neg_adv": frozenset(data["negation"]["adverbs"]),
        "control_negative": frozenset(data["control_negative"]),
        "control_future": frozenset(data["control_future"]),
        "obligation_heads": frozenset(data["obligation"]["heads"]),
        "mandative": frozenset(data["mandative"]),
        "demand_nouns": frozenset(language_data("speech")["demand_nouns"]),
    }


def own_modality(predicate: Token) -> Modality:
    """Modality marked on the predicate's own clause, ignoring the clauses above it."""
    words = _words()
    children = list(predicate.children)
    if any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in words["neg_adv"])
           for c in children):
        return "negated"
    if any(g.dep_ == "neg" for c in children if c.dep_ == "advmod" for g in c.children):
        return "negated"  # "did not even ever clash": the parser hangs "not" on "ever"
    for obj in children:
        if obj.dep_ in ("dobj", "pobj", "attr") and any(
            d.lower_ in words["neg_det"] and d.dep_ in ("det", "preconj", "advmod")
            for d in obj.children
        ):
            return "negated"
    if predicate.pos_ == "NOUN" and any(c.lower_ in words["neg_det"] for c in children):
        return "negated"
    if any(c.dep_ == "mark" and c.lower_ in words["conditional"] for c in children):
        return "conditional"
    auxiliaries = [c.lower_ for c in children if c.dep_ in ("aux", "auxpass")]
    if _future_auxiliary(predicate, auxiliaries):
        return "future"
    if any(a in words["hypothetical"] for a in auxiliaries):
        return "hypothetical"
    return "asserted"


def _future_auxiliary(predicate: Token, auxiliaries: list[str]) -> bool:
    """A future auxiliary, or a backshifted "would" inside a verb of saying: "Iraq said it
    would allow the inspectors back" reports an announced act, not a hypothetical one."""
    words = _words()
    if any(a in words["future_aux"] for a in auxiliaries):
        return True
    return any(a in words["reported_future"] for a in auxiliaries) \
        and governing_speech_verb(predicate) is not None


def _controller_negated(head: Token) -> bool:
    """"Iran is not ready to talk", "does not plan to attack": the control word is denied.
    An adjective ("ready") carries its negation on its copula."""
    if own_modality(head) == "negated":
        return True
    return head.dep_ == "acomp" and own_modality(head.head) == "negated"


def _controlled_infinitive(token: Token) -> bool:
    """The complement of a control word: spaCy's xcomp, or a to-infinitive it misreads as a
    purpose clause ("has sworn to fight" comes out as advcl)."""
    if token.dep_ == "xcomp":
        return True
    return token.dep_ == "advcl" and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def _object_noun(token: Token) -> bool:
    """An event noun that is its verb's direct object shares the verb's clause and mood."""
    return token.pos_ == "NOUN" and token.dep_ == "dobj" and token.head.i != token.i


def demanding_word(head: Token) -> bool:
    """A verb or noun of demanding, or a verb whose object is a demand noun: the parser hangs
    the demand's that-clause on the verb when words intervene ("renewed its demand on Friday
    that ...")."""
    words = _words()
    if head.pos_ in ("NOUN", "PROPN"):
        return head.lower_ in words["demand_nouns"]
    return head.lemma_.lower() in words["mandative"] or any(
        c.dep_ == "dobj" and c.lower_ in words["demand_nouns"] for c in head.children)


def subjunctive_complement(token: Token) -> bool:
    """A bare-subjunctive that-clause of a word of demanding ("demanded that the army free
    the sailors", "its demand that India withdraw"): the act is asked for, not done. spaCy
    tags a subjunctive after a singular subject VBP ("that Togo lift") as often as VB."""
    if token.tag_ not in ("VB", "VBP") or token.dep_ not in ("ccomp", "acl") \
            or token.head.i == token.i \
            or any(c.dep_ in ("aux", "auxpass") for c in token.children):
        return False
    return demanding_word(token.head)


def modality(predicate: Token) -> Modality:
    """The predicate's modality, inherited from every clause above it and from control verbs.

    Conjoined verbs share their first conjunct's clause ("if it does not stop ... and withdraw
    its troops": withdraw is conditional too).
    """
    words = _words()
    token = predicate
    while True:
        mood = own_modality(token)
        if mood != "asserted":
            return mood
        if _object_noun(token):
            token = token.head  # "would tighten the blockade": the blockade is the verb's
            continue
        if subjunctive_complement(token):
            return "hypothetical"
        if token.dep_ not in _CLAUSE_LINKS or token.head.i == token.i:
            return "asserted"
        head = token.head
        if _controlled_infinitive(token):
            if head.lemma_.lower() in words["obligation_heads"]:
                return "hypothetical"  # "has to pay", "needs to open": owed, not done
            if head.lemma_.lower() in words["control_negative"]:
                return "negated"
            if head.lemma_.lower() in words["control_future"] | words["future_heads"]:
                return "negated" if _controller_negated(head) else "future"
        token = head


def plover_auxiliary_mode(mood: Modality) -> str | None:
    """PLOVER's auxiliary mode for an event kept although not asserted (None if asserted)."""
    modes: dict[str, str] = language_data("modality")["plover_auxiliary_modes"]
    return modes.get(mood)


def intent_code(predicate: Token, code_quad: int | None) -> str | None:
    """The PLOVER-style intent code for a future act its own actor announces, else None.

    "Jordan will send troops" -> intent to cooperate (030); "Russia plans to cut gas" ->
    threat (130). Only the actor's own intention counts: "urged Iran to stop" is a request,
    not Iran's intent, and is handled by the request itself.
    """
    data = language_data("modality")
    heads = frozenset(data["intent_heads"])
    if code_quad is None:
        return None
    if _object_noun(predicate):
        predicate = predicate.head
    auxiliaries = [c.lower_ for c in predicate.children if c.dep_ == "aux"]
    own_future = _future_auxiliary(predicate, auxiliaries)
    head = predicate.head
    controlled = _controlled_infinitive(predicate) and head.lemma_.lower() in heads \
        and not any(c.dep_ in ("dobj", "dative") for c in head.children)
    if not (own_future or controlled):
        return None
    codes: dict[str, str] = data["intent_codes"]
    return codes["cooperation"] if code_quad in (1, 2) else codes["conflict"]
