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


# --- intent and reported future (tacitus/data/language/modality.yaml) ----------------------
# An act announced by its own actor is coded as PLOVER codes the announcement: an intention to
# cooperate (030, AGREE) or a threat (130, THREATEN). These sentences check the word lists that
# decide when an act is announced rather than done.


@pytest.fixture(scope="module")
def default_coder() -> Coder:
    return Coder(options=CoderOptions())


def _coded(coder: Coder, text: str) -> set[tuple[str, str]]:
    return {(e.cameo_code, e.actor[0].code) for e in coder.code_text(text, DAY)
            if e.cameo_code != "010"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # readiness adjectives govern an intended act
        ("Chile is ready to send peacekeepers to Haiti.", {("030", "CHL")}),
        ("Uruguay says it is willing to pull its troops out of the border zone.",
         {("030", "URY")}),
        ("The Bolivian president said he was prepared to impose a curfew on La Paz.",
         {("130", "BOL")}),
        # "would" inside a verb of saying is the reported form of "will"
        ("Peru said it would release the Ecuadorean fishermen.", {("030", "PER")}),
        ("Honduran ministers said they would boycott all talks with Nicaragua.",
         {("130", "HND")}),
        # a to-infinitive the parser reads as a purpose clause is still controlled
        ("Argentina has sworn to fight the British in the Falklands.", {("130", "ARG")}),
        # an event noun takes the mood of the verb whose object it is
        ("Turkey confirmed it would tighten the blockade of the Kurdish enclave.",
         {("130", "TUR")}),
    ],
)
def test_announced_acts_code_as_intent(default_coder: Coder, text: str,
                                       expected: set[tuple[str, str]]) -> None:
    assert _coded(default_coder, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Chile is not ready to send peacekeepers to Haiti.",
        "Bolivia is unwilling to withdraw its troops from the border.",
        "Peru does not plan to meet Chile.",
        # "would" outside reported speech stays hypothetical
        "Peru would attack Colombia.",
        "Peru could start a naval blockade of Ecuador.",
    ],
)
def test_denied_or_hypothetical_acts_are_not_coded(default_coder: Coder, text: str) -> None:
    assert _coded(default_coder, text) == set()


# Vocabulary families: each line uses a word of the family that no pattern example uses.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # whatever a crowd or armed group blocks to stop movement is an obstruction (144)
        ("Striking Chilean truckers blocked the main junctions outside Santiago.",
         {("144", "CHL")}),
        ("Malian rebels blocked transport into Bamako on Friday.", {("144", "MLI")}),
        ("Greek farmers blocked the gates of the port of Piraeus.", {("144", "GRC")}),
        # peacekeepers arriving provide protection (074); other troops arriving visit no one
        ("A battalion of Uruguayan blue helmets arrived in Haiti on Monday.",
         {("074", "URY")}),
        ("Fresh Chadian troops arrived in Mali overnight.", set()),
        # giving up ground in any of its words is a retreat (0874)
        ("Ethiopian troops abandoned their strongholds in the south.", {("0874", "ETH")}),
        ("Armenian forces handed over the districts to Azerbaijan.", {("0874", "ARM")}),
        ("The Syrian army evacuated the airbase after weeks of shelling.", {("0874", "SYR")}),
        # withholding a permission is a refusal (120), not the denial of a charge (016)
        ("The Kenyan authorities denied licences to two radio stations in Mombasa.",
         {("120", "KEN")}),
        # accepting what another side proposes is agreeing to it (030)
        ("Ecuador accepted the peace plan put forward by Brazil.", {("030", "ECU")}),
        # launching a mediation is mediating (045)
        ("Algeria launched a mediation between Mali and the Tuareg rebels.",
         {("045", "DZA")}),
        # letting the displaced home is their return (084); opening borders to them is refuge
        ("Tanzania allowed the return of Burundian exiles.", {("084", "TZA")}),
        ("Jordan opened its borders to Iraqi asylum seekers.", {("075", "JOR")}),
        ("Thailand opened its borders to humanitarian aid for Myanmar.", {("0863", "THA")}),
        # restrictions of any kind imposed by a government are an administrative sanction
        ("Spain imposed limits on Moroccan fishing fleets.", {("172", "ESP")}),
        # control of a business is confiscation (1711), control of a town is territory (192)
        ("Zimbabwe seized control of the British mining company.", {("1711", "ZWE")}),
        ("Colombian troops seized control of the town of Mitu.", {("192", "COL")}),
        # two actors exercising together need not say "joint" (062)
        ("Argentina and Chile held air drills near Mendoza.",
         {("062", "ARG"), ("062", "CHL")}),
        # cyber attacks in any of their words are COERCE 'cyber' (176), not armed force (190)
        ("Belarusian hackers launched cyber-attacks on Lithuanian airports.", {("176", "BLR")}),
        ("Vietnam hacked into the servers of a Philippine ministry.", {("176", "VNM")}),
        # widening a freedom is easing its restrictions (0811)
        ("The Omani government broadened press freedom last year.", {("0811", "OMN")}),
    ],
)
def test_vocabulary_families(default_coder: Coder, text: str,
                             expected: set[tuple[str, str]]) -> None:
    assert _coded(default_coder, text) == expected
