"""Which words belong to an event's clause, and how close each one is to the event's trigger.

Dates and places are only worth taking from the trigger's own clause: a date inside a relative
clause ("the treaty, which was agreed in April, ...") dates a different event. Both resolvers
rank candidates the same way, so the rule lives here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Token

from tacitus.resolve._data import load_mapping, str_list


@dataclass(frozen=True)
class ClauseRules:
    """The dependency labels that open a new clause (from data/resolve/syntax.yaml)."""

    clause_labels: frozenset[str]
    clausal_conj_pos: frozenset[str]


@lru_cache(maxsize=1)
def clause_rules() -> ClauseRules:
    data = load_mapping("syntax.yaml")
    return ClauseRules(
        clause_labels=str_list(data, "clause_labels"),
        clausal_conj_pos=str_list(data, "clausal_conj_pos"),
    )


def opens_clause(token: Token) -> bool:
    """True when `token` heads a clause of its own (or is the sentence root)."""
    rules = clause_rules()
    if token.dep_ == "conj":
        return token.pos_ in rules.clausal_conj_pos
    return token.dep_ in rules.clause_labels or token.head.i == token.i


def anchors(trigger: Token) -> list[Token]:
    """The trigger and its heads up to its clause's root, nearest first.

    A nominal trigger ("held *talks* on Tuesday") takes its date from the verb above it, so
    the head chain is searched too, but never past the clause root.
    """
    chain = [trigger]
    current = trigger
    while not opens_clause(current):
        current = current.head
        chain.append(current)
    return chain


def attachment(token: Token, chain: list[Token]) -> tuple[int, int] | None:
    """How `token` hangs off the trigger's clause: (which anchor, how many arcs below it).

    Walks up from `token`; reaching an anchor gives its rank, crossing into another clause
    first gives None. Smaller tuples are closer to the trigger.
    """
    positions = {anchor.i: rank for rank, anchor in enumerate(chain)}
    current = token
    depth = 0
    while current.i not in positions:
        if opens_clause(current):
            return None
        current = current.head
        depth += 1
    return positions[current.i], depth
