"""PETRARCH's coding-ontology arithmetic: negating a code and merging a governed verb's code.

A PETRARCH ontology file gives each CAMEO code a number whose digits encode its meaning. A
negated verb's code is the code whose number is 0xFFFF less ("did not disapprove" -> 050);
a verb governing another ("intend to attack") gets the code of their combined numbers. With
no ontology loaded these return None and the coder falls back to its own modality handling.
"""

from __future__ import annotations

from collections.abc import Mapping

NEGATION_OFFSET = 0xFFFF
_SAY = 0x1000
_HIGHEST_NEGATABLE = 200


def _value(ontology: Mapping[str, int], code: str) -> int | None:
    if code in ontology:
        return ontology[code]
    return ontology.get(code[:2] + "0")


def _reverse(ontology: Mapping[str, int], value: int) -> str | None:
    found = None
    for code, number in ontology.items():
        if number == value:
            found = code  # the later line wins, as in PETRARCH
    return found


def negatable(code: str) -> bool:
    """PETRARCH only negates top-level codes (numbers up to 200)."""
    return code.isdigit() and int(code) <= _HIGHEST_NEGATABLE


def negate(ontology: Mapping[str, int], code: str) -> str | None:
    """The code of the negated event, or None when the ontology has none."""
    value = _value(ontology, code)
    if value is None:
        return None
    return _reverse(ontology, value - NEGATION_OFFSET)


def combine(ontology: Mapping[str, int], upper: str, lower: str) -> str | None:
    """The code for an upper verb governing a lower one ("intend" + "attack" -> threaten)."""
    p, q = _value(ontology, upper), _value(ontology, lower)
    if p is None or q is None:
        return None
    if q <= 0:
        result = p + q
    elif (p > _SAY and q > _SAY) or q >= p or p == _SAY:
        result = q
    elif q == _SAY:
        result = p
    else:
        result = p + q
    return _reverse(ontology, result)
