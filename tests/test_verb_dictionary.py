"""Every built-in pattern and predicate carries an example sentence; each must code as stated.

This is what keeps the pattern dictionary honest: a pattern whose example does not produce
its code, through that very pattern, is a broken pattern.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tacitus.dictionaries.yaml_verbs import load_builtin_verbs
from tacitus.events.coder import Coder, CoderOptions

DAY = dt.date(2012, 7, 12)


def _cases() -> list[tuple[str, str, str]]:
    cases: list[tuple[str, str, str]] = []
    for entry in load_builtin_verbs().predicates:
        if entry.example and entry.code != "---":
            cases.append((entry.origin, entry.code, entry.example))
        for pattern in entry.patterns:
            if pattern.example and pattern.code != "---":
                cases.append((pattern.rule, pattern.code, pattern.example))
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder(options=CoderOptions(keep_modal=True))


def test_every_pattern_has_an_example() -> None:
    missing = [
        p.rule for e in load_builtin_verbs().predicates for p in e.patterns if not p.example
    ]
    assert not missing, f"patterns without an example: {missing[:20]}"


@pytest.mark.parametrize(("rule", "code", "example"), CASES, ids=[c[0] for c in CASES])
def test_example_codes_as_intended(coder: Coder, rule: str, code: str, example: str) -> None:
    events = coder.code_text(example, DAY)
    fired = [(e.cameo_code, e.rule) for e in events]
    assert any(e.cameo_code == code and e.rule.split()[-1] == rule for e in events), (
        f"{rule}: {example!r} should code {code} through this rule; got {fired}"
    )
