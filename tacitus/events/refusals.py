"""Refusal by negated acceptance: "will not accept", "does not recognise" are rejections.

The modality reader drops a denied act as one that did not happen. For acts of accepting,
recognising, allowing or complying that is wrong: their denial is itself an event, the actor's
rejection (CAMEO 12; PLOVER REJECT), whatever the tense. So is an act of giving way denied as
a stance ("will not release the prisoners", "will never lift the embargo"): a refusal to yield
(CAMEO 124x). The verbs and the codes live in `tacitus/data/language/refusal.yaml`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from spacy.tokens import Token

from tacitus.events.modality import own_modality
from tacitus.language import language_data


@cache
def _data() -> dict[str, Any]:
    return language_data("refusal")


@cache
def refusal_verbs() -> frozenset[str]:
    return frozenset(_data()["verbs"])


def _conditional(predicate: Token) -> bool:
    """"If Iran does not accept": a condition, not a refusal (conjuncts share the marker)."""
    markers = frozenset(language_data("modality")["conditional"]["markers"])
    token = predicate
    while True:
        if any(c.dep_ == "mark" and c.lower_ in markers for c in token.children):
            return True
        if token.dep_ != "conj" or token.head.i == token.i:
            return False
        token = token.head


def _denied_yielding(predicate: Token, act_code: str | None) -> bool:
    """An act of giving way whose denial is a stance: a future or modal auxiliary, or "never"
    ("will not release", "would never withdraw"), not a plain past ("did not release")."""
    data = _data()["denied_yielding"]
    if not act_code or not act_code.startswith(tuple(data["codes"])):
        return False
    return any((c.dep_ == "aux" and c.lower_ in data["auxiliaries"]) or
               (c.dep_ in ("neg", "advmod") and c.lower_ in data["adverbs"])
               for c in predicate.children)


def refusal_code(predicate: Token, act_code: str | None) -> str | None:
    """The rejection a denied act of acceptance makes, or None when the predicate is not one.

    `act_code` is what the dictionaries code the accepted act as (None or "---" if nothing):
    it refines the refusal ("will not allow inspectors" refuses international involvement).
    """
    lemma = predicate.lemma_.lower()
    if predicate.pos_ != "VERB" or not (lemma in refusal_verbs() or
                                        _denied_yielding(predicate, act_code)):
        return None
    if own_modality(predicate) != "negated" or _conditional(predicate):
        return None
    data = _data()
    if lemma in data["defiance"]:
        defiance: str = data["defiance_code"]
        return defiance
    table: dict[str, str] = data["by_act_code"]
    if act_code and act_code != "---":
        for size in range(len(act_code), 1, -1):
            if act_code[:size] in table:
                return table[act_code[:size]]
    default: str = data["default"]
    return default
