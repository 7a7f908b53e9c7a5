"""One test per construction the engine must read, on sentences written for the purpose.

The verbs come from a small dictionary written here (so these tests pin the engine, not the
built-in knowledge); actors come from the built-in actor dictionary.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from tacitus.dictionaries.yaml_actors import load_builtin_actors
from tacitus.dictionaries.yaml_verbs import parse_verb_yaml
from tacitus.events.coder import Coder, CoderOptions
from tacitus.records import EventRecord

DAY = dt.date(2012, 7, 12)

VERBS = """
predicates:
  - verb: attack
    code: "190"
  - verb: assault
    code: "1821"
  - verb: sign
    code: "---"
    patterns:
      - {match: "% * accord", code: "057"}
  - verb: block
    code: "---"
    patterns:
      - {match: "* attempt", code: "120"}
  - verb: urge
    code: "020"
  - verb: call
    code: "---"
    patterns:
      - {match: "* (on +)", code: "020"}
  - verb: defect
    code: "087"
  - verb: meet
    code: "040"
  - verb: say
    code: "010"
  - verb: accuse
    code: "112"
  - verb: kill
    code: "1823"
  - verb: authorise
    code: "163"
  - verb: allow
    code: "080"
    patterns:
      - {match: "* monitors", code: "0862"}
  - verb: stop
    code: "---"
  - verb: comment
    code: "010"
  - verb: visit
    code: "042"
  - verb: threaten
    code: "130"
  - verb: impose
    code: "---"
    patterns:
      - {match: "* sanction (on +)", code: "163"}
  - noun: crackdown
    code: "175"
  - noun: talks
    code: "040"
  - noun: visit
    code: "042"
  - noun: sanctions
    code: "163"
  - noun: comment
    code: "010"
  - noun: ceasefire
    code: "0871"
  - verb: back
    code: "051"
  - verb: endorse
    code: "051"
  - verb: release
    code: "0841"
  - verb: withdraw
    code: "0874"
  - verb: demand
    code: "100"
"""


def _coder(**options: bool) -> Coder:
    dictionaries = load_builtin_actors()
    dictionaries.merge(parse_verb_yaml(yaml.safe_load(VERBS), "test-verbs"))
    return Coder(dictionaries, options=CoderOptions(**options))


@pytest.fixture(scope="module")
def coder() -> Coder:
    return _coder()


@pytest.fixture(scope="module")
def modal_coder() -> Coder:
    return _coder(keep_modal=True)


def triples(events: list[EventRecord]) -> set[tuple[str, str, str]]:
    return {
        (e.cameo_code, a.cameo, r.cameo if r else "")
        for e in events
        for a in e.actor
        for r in (e.recipient or [None])
    }


def code(coder: Coder, text: str) -> set[tuple[str, str, str]]:
    return triples(coder.code_text(text, DAY))


# --- predicates: verbs and event nouns ------------------------------------------------


def test_verb_with_subject_and_object(coder: Coder) -> None:
    assert ("190", "SYRMIL", "TUR") in code(coder, "Syrian troops attacked Turkey.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Syria's crackdown on protesters shocked Turkey.", ("175", "SYR", "---CVL")),
        ("Russia held talks with China.", ("040", "RUS", "CHN")),
        ("Clinton's visit to Cambodia was brief.", ("042", "USAGOV", "KHM")),
        ("France imposed sanctions on Syria.", ("163", "FRA", "SYR")),
    ],
)
def test_event_nouns(coder: Coder, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in code(coder, text)


def test_verb_pattern_wins_over_its_object_noun(coder: Coder) -> None:
    found = code(coder, "France imposed sanctions on Syria.")
    assert found == {("163", "FRA", "SYR")}


# --- sources and targets from syntax ----------------------------------------------------


def test_passive_agent_is_the_source(coder: Coder) -> None:
    assert ("190", "ISR", "LBN") in code(coder, "Lebanon was attacked by Israel.")


def test_prepositional_object_as_the_pattern_says(coder: Coder) -> None:
    assert ("020", "USA", "RUS") in code(coder, "The United States called on Russia to act.")


def test_control_chain_makes_the_object_the_target(coder: Coder) -> None:
    found = code(coder, "Syria's ambassador urged the Syrian army to turn its guns on the regime.")
    assert ("020", "SYRGOV", "SYRMIL") in found


def test_conjoined_subjects_are_each_sources(coder: Coder) -> None:
    found = code(coder, "Russia and China blocked attempts to pressure Syria.")
    assert {("120", "RUS", ""), ("120", "CHN", "")} <= found


def test_conjoined_verbs_share_the_subject(coder: Coder) -> None:
    found = code(coder, "Syria's ambassador to Iraq defected and urged the army to rebel.")
    assert ("087", "SYRGOV", "") in found
    assert any(t[0] == "020" and t[1] == "SYRGOV" for t in found)


def test_relative_clause_subject_is_the_noun_it_modifies(coder: Coder) -> None:
    found = code(coder, "The Syrian minister, who attacked Turkey, resigned.")
    assert ("190", "SYRGOV", "TUR") in found


def test_appositive_does_not_become_a_second_actor(coder: Coder) -> None:
    found = code(coder, "Russia, Syria's closest ally, met Iran.")
    assert ("040", "RUS", "IRN") in found
    assert not any(t[1] == "SYR" for t in found)


def test_place_is_not_an_actor(coder: Coder) -> None:
    found = code(coder, "Russia met Iran in Damascus.")
    assert ("040", "RUS", "IRN") in found
    assert not any("SYR" in t[2] for t in found)


# --- in-document roles and works (tacitus/actors/roster.py) -------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # apposition, then a titled surname
        ("Omar Haddad, a Jordanian diplomat, arrived on Monday. "
         "Mr Haddad met Iran's foreign minister.", ("040", "JORGOV", "IRNGOV")),
        # "to be" equates the name with a role
        ("Lena Varga was Hungary's ambassador to Chile. "
         "Varga accused the Chilean government of fraud.", ("112", "HUNGOV", "CHLGOV")),
        # the role stands in the name's own phrase
        ("Kenyan army commander Peter Odhiambo visited Uganda. "
         "Odhiambo met Ugandan officials.", ("040", "KENMIL", "UGAGOV")),
    ],
)
def test_a_role_given_once_holds_for_later_mentions(
    coder: Coder, text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in code(coder, text)


def test_a_relation_is_not_a_role(coder: Coder) -> None:
    found = code(coder, "Omar Haddad, the son of a Jordanian minister, accused Syria of fraud.")
    assert not any(t[1].startswith("JOR") for t in found)


def test_he_is_the_last_person_not_the_last_plural(coder: Coder) -> None:
    found = code(coder, "Omar Haddad, a Jordanian diplomat, met protesters in Amman. "
                        "He accused the Syrian government of fraud.")
    assert ("112", "JORGOV", "SYRGOV") in found


def test_we_in_a_quotation_is_the_speaker(coder: Coder) -> None:
    found = code(coder, '"We accuse the Syrian army of murder," the Turkish foreign minister '
                        "said.")
    assert ("112", "TURGOV", "SYRMIL") in found


def test_a_person_may_be_the_target_of_a_body_with_the_same_code(coder: Coder) -> None:
    found = code(coder, "Omar Haddad, a Jordanian diplomat, defected. "
                        "The Jordanian government accused Mr Haddad of treason.")
    assert ("112", "JORGOV", "JORGOV") in found


def test_backing_a_work_backs_its_author(coder: Coder) -> None:
    found = code(coder, "Kenya circulated a draft resolution, backed by Ghana and Nigeria.")
    assert {("051", "GHA", "KEN"), ("051", "NGA", "KEN")} <= found


def test_the_work_named_before_acts_for_its_author(coder: Coder) -> None:
    found = code(coder, "Kenya circulated a draft resolution on Monday. "
                        "The draft threatens the Sudanese government with sanctions.")
    assert ("130", "KEN", "SDNGOV") in found


def test_a_possessed_work_stands_for_its_possessor(coder: Coder) -> None:
    found = code(coder, "The Sudanese president defended his policy. Egypt endorsed his "
                        "argument.")
    assert ("051", "EGY", "SDNGOV") in found


def test_a_statement_speaks_for_whoever_posted_it(coder: Coder) -> None:
    found = code(coder, "The Kenyan foreign minister posted a statement that accused Somali "
                        "militants of murder.")
    assert ("112", "KENGOV", "SOMREB") in found


def test_a_noun_described_by_a_passive_participle_is_its_target(coder: Coder) -> None:
    found = code(coder, "Nigeria condemned the rebels, backed by Chad.")
    assert any(t[0] == "051" and t[1] == "TCD" and t[2].endswith("REB") for t in found)


def test_a_stand_alone_infinitive_reports_nothing(coder: Coder) -> None:
    assert code(coder, "Let us be clear. To attack Turkey and to threaten Greece.") == set()


def test_reporting_anothers_violence_is_an_accusation(coder: Coder) -> None:
    found = code(coder, "The Kenyan foreign minister said that Somali militants had attacked "
                        "villages.")
    assert ("112", "KENGOV", "SOMREB") in found
    own = code(coder, "The Kenyan army said that it had attacked Somali militants.")
    assert not any(t[0] == "112" for t in own)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Kenyan foreign minister said that Somalia must release the fishermen.",
         ("1053", "KENGOV", "SOM")),
        ("Ghana's president declared that Togo should withdraw its troops.",
         ("1056", "GHAGOV", "TGO")),
        ("Peru insisted that Bolivia has to release the sailors.", ("1053", "PER", "BOL")),
        ("Somalia needs to release the fishermen, Kenya said.", ("1053", "KEN", "SOM")),
        ("Peru stressed that Bolivia ought to open its border.", ("100", "PER", "BOL")),
        ("Kenya said Somalia must not attack the border posts.", ("100", "KEN", "SOM")),
        ("Chile issued a statement demanding that Argentina release the sailors.",
         ("1053", "CHL", "ARG")),
        ("Pakistan reiterated its demand that India withdraw its soldiers.",
         ("1056", "PAK", "IND")),
        ("Ghana renewed its demand on Friday that Togo release the fishermen.",
         ("1053", "GHA", "TGO")),
    ],
)
def test_a_reported_obligation_is_a_demand(coder: Coder, text: str,
                                           expected: tuple[str, str, str]) -> None:
    found = code(coder, text)
    assert expected in found
    assert not any(t[0] in ("0841", "0874", "190", "010") for t in found), found


@pytest.mark.parametrize(
    "text",
    [
        "The Kenyan foreign minister said that Somalia need not release the fishermen.",
        "Kenya said that Somalia does not have to release the fishermen.",
        "Kenya did not say that Somalia must release the fishermen.",
        "Vietnam said it must withdraw its boats.",
        "Kenya said every Somali fisherman has to release his catch.",
        "Kenya said the court should be the final arbiter.",
    ],
)
def test_no_demand_without_an_obligation_on_another(coder: Coder, text: str) -> None:
    assert not any(t[0].startswith("10") or t[0] in ("0841", "0874")
                   for t in code(coder, text))


def test_the_option_leaves_reported_obligations_as_statements() -> None:
    plain = _coder(reported_demands=False)
    assert code(plain, "Kenya said that Somalia must release the fishermen.") == {
        ("010", "KEN", "SOM")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ecuador will not accept the ruling from Peru.", ("120", "ECU", "")),
        ("Morocco would never recognise Algeria.", ("120", "MAR", "DZA")),
        ("Georgia does not recognise Russia.", ("120", "GEO", "RUS")),
        ("The Thai army cannot tolerate protests.", ("120", "THAMIL", "")),
        ("Chile did not agree to the plan of Argentina.", ("120", "CHL", "ARG")),
        ("Iran has not complied with the ruling.", ("128", "IRN", "")),
        ("Kenya said it will not allow Somalia into the talks.", ("124", "KEN", "SOM")),
    ],
)
def test_a_denied_acceptance_is_a_refusal(coder: Coder, text: str,
                                          expected: tuple[str, str, str]) -> None:
    found = code(coder, text)
    assert expected in found, found
    assert not any(t[0] == "080" for t in found)


@pytest.mark.parametrize(
    "text",
    [
        "If Ecuador does not accept the ruling, Peru will act.",
        "Morocco recognised Algeria.",
        "Georgia does not meet Russia.",
    ],
)
def test_no_refusal_without_a_denied_acceptance(coder: Coder, text: str) -> None:
    assert not any(t[0].startswith("12") for t in code(coder, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ghana will not release the fishermen.", ("1243", "GHA")),
        ("Mali would never withdraw its troops from Kidal.", ("1246", "MLI")),
        ("Ghana did not release the fishermen on Monday.", None),  # a non-event, no stance
        ("If Ghana does not release the fishermen, Togo will act.", None),
    ],
)
def test_a_denied_yielding_as_a_stance_is_a_refusal(coder: Coder, text: str,
                                                     expected: tuple[str, str] | None) -> None:
    found = {(t[0], t[1]) for t in code(coder, text) if t[0].startswith("12")}
    assert found == ({expected} if expected else set())


def test_the_option_leaves_denied_acceptances_uncoded() -> None:
    plain = _coder(negated_refusals=False)
    assert code(plain, "Georgia does not recognise Russia.") == set()


# --- modality ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Turkey did not attack Syria.",
        "Mr Tlas has made no public comment since fleeing.",
        "The plan produced neither a ceasefire nor dialogue.",
    ],
)
def test_negated_events_are_not_facts(coder: Coder, text: str) -> None:
    assert code(coder, text) == set()


def test_hypothetical_events_are_not_facts(coder: Coder) -> None:
    assert code(coder, "This would allow the council to authorise sanctions.") == set()


def test_conditional_events_are_not_facts(coder: Coder) -> None:
    text = "France threatened Syria with sanctions if it does not stop attacking Turkey."
    found = code(coder, text)
    assert ("130", "FRA", "SYR") in found
    assert not any(t[0] == "190" for t in found)


def test_future_events_are_not_facts(coder: Coder) -> None:
    # An announced act is not the act: PLOVER codes it as the actor's threat (or, for a
    # cooperative act, its intention to cooperate).
    assert code(coder, "Russia will attack Georgia.") == {("130", "RUS", "GEO")}
    assert code(coder, "Russia plans to meet Iran.") == {("030", "RUS", "IRN")}


def test_a_request_is_not_the_target_s_intent(coder: Coder) -> None:
    assert code(coder, "France urged Germany to attack Syria.") == {("020", "FRA", "DEU")}


def test_option_keeps_modal_events_with_plover_auxiliary_modes(modal_coder: Coder) -> None:
    events = modal_coder.code_text("Russia will attack Georgia.", DAY)
    assert [(e.cameo_code, e.modality, e.mode) for e in events] == [("190", "future", "future")]
    negated = modal_coder.code_text("Turkey did not attack Syria.", DAY)
    assert [(e.modality, e.mode) for e in negated] == [("negated", "negation")]
    hypothetical = modal_coder.code_text("Russia would attack Georgia.", DAY)
    assert [(e.modality, e.mode) for e in hypothetical] == [("hypothetical", "hypothetical")]


# --- reported speech ---------------------------------------------------------------------


def test_event_in_said_clause_is_claimed_by_the_speaker(coder: Coder) -> None:
    events = coder.code_text("Iran said Israel attacked Syria.", DAY)
    attack = next(e for e in events if e.cameo_code == "190")
    assert attack.evidence == "claimed"
    assert [c.cameo for c in attack.claimed_by] == ["IRN"]
    statement = next(e for e in events if e.cameo_code == "010")
    assert statement.evidence == "asserted"
    assert statement.actor[0].cameo == "IRN"


def test_event_in_quotes_is_claimed(coder: Coder) -> None:
    events = coder.code_text('"Israel attacked Syria," Iran said.', DAY)
    attack = next(e for e in events if e.cameo_code == "190")
    assert attack.evidence == "claimed"
    assert [c.cameo for c in attack.claimed_by] == ["IRN"]


def test_accusation_is_the_speech_act_and_its_content_is_claimed(coder: Coder) -> None:
    events = coder.code_text("Syria accused Turkey of killing civilians.", DAY)
    assert ("112", "SYR", "TUR") in triples(events)


# --- records explain themselves ------------------------------------------------------------


def test_record_carries_offsets_rule_and_explanation() -> None:
    explaining = _coder(explain=True)
    text = "Syrian troops attacked Turkey."
    event = explaining.code_text(text, DAY)[0]
    assert text[event.event_start : event.event_end] == "attacked"
    source = event.actor[0]
    assert text[source.start : source.end] == "Syrian troops"
    assert event.rule == "test-verbs#1"
    assert event.sentence_text == text
    assert event.explain and "attacked" in event.explain[0]
    assert event.goldstein == -10.0 and event.quad_class == 4 and event.event == "ASSAULT"


def test_sentence_entities_are_gathered_once_per_document(coder: Coder) -> None:
    """Dates and places read each sentence's entities from one pass over the document (asking
    every sentence for `Span.ents` made long documents quadratic); the result is the same."""
    from tacitus.events.coder import _entities_by_sentence

    doc = coder.nlp(
        "Kenya's president met Ethiopia's prime minister in Nairobi on Monday. "
        "They signed a water accord. On Tuesday, Sudan's army shelled Kadugli, "
        "the United Nations said in New York."
    )
    sentences = list(doc.sents)
    found = _entities_by_sentence(doc, sentences)
    for sentence in sentences:
        expected = [(e.start, e.end, e.label_) for e in sentence.ents]
        assert [(e.start, e.end, e.label_) for e in found.get(sentence.start, [])] == expected
    assert sum(len(v) for v in found.values()) == len(doc.ents) >= 6


@pytest.mark.parametrize("text", [
    "Lt. Gen. Omar Haddad attacked the village.",
    "Maj. Gen. Ana Ruiz attacked the village.",
    "Lt Col Ed Bell attacked the village.",
    "Rear Adm. Ed Bell attacked the village.",
    "Brigadier General Ana Ruiz attacked the village.",
])
def test_abbreviated_rank_before_a_name_is_the_military(coder: Coder, text: str) -> None:
    """A rank title is often the only role news gives an officer; spaCy splits some
    abbreviations from their full stop, so both spellings must read as MIL."""
    events = [e for e in coder.code_text(text, DAY) if e.cameo_code == "190"]
    assert [(a.code, a.sector) for e in events for a in e.actor] == [("---", "MIL")]


@pytest.mark.parametrize("text", [
    "A car bomb killed three Kenyan policemen.",
    "Three Kenyan policemen were killed by a roadside bomb.",
    "Three Kenyan policemen were killed in a grenade attack in Mombasa.",
])
def test_a_weapon_without_a_named_user_is_an_unidentified_attacker(coder: Coder,
                                                                    text: str) -> None:
    """Bombings rarely name who set them off; the killing is still an event, by an
    unidentified armed force, against the people it names."""
    events = coder.code_text(text, DAY)
    assert [(e.cameo_code, [(a.code, a.sector) for a in e.actor],
             [(t.code, t.sector) for t in e.recipient]) for e in events] == [
        ("1823", [("---", "UAF")], [("KEN", "COP")])]


def test_a_weapon_names_its_user_when_its_phrase_does(coder: Coder) -> None:
    events = coder.code_text("A bombing by Turkish troops killed three Kenyan policemen.", DAY)
    assert [(a.code, a.sector) for e in events for a in e.actor] == [("TUR", "MIL")]


def test_a_killing_without_weapon_or_perpetrator_stays_uncoded(coder: Coder) -> None:
    assert coder.code_text("Three Kenyan policemen were killed in Mombasa.", DAY) == []


@pytest.mark.parametrize(("text", "country"), [
    ("Tunisian Islamists attacked the village.", "TUN"),
    ("Iranian hardliners attacked the village.", "IRN"),
    ("Islamic fundamentalists attacked the village.", "---"),
])
def test_political_currents_are_actors_without_a_sector(coder: Coder, text: str,
                                                        country: str) -> None:
    """Islamists, fundamentalists and hardliners are who acted even when no country is
    named; CAMEO's RAD qualifier gives them no PLOVER sector of their own."""
    events = [e for e in coder.code_text(text, DAY) if e.cameo_code == "190"]
    assert [(a.code, a.sector) for e in events for a in e.actor] == [(country, None)]


# --- codes outside GDELT's list (tacitus/events/codes.py) ---------------------------------


def test_a_crosswalk_code_outside_gdelt_gets_its_plover_type_and_root_class() -> None:
    from tacitus.events.codes import describe_code

    cyber = describe_code("176")  # CAMEO 2.0 cyber attack: a line of its own in the crosswalk
    assert (cyber.event, cyber.mode, cyber.quad_class, cyber.goldstein) == (
        "COERCE", "cyber", 4, None)
    private = describe_code("345")  # a PETRARCH test dictionary's private code: no meaning
    assert (private.event, private.quad_class) == (None, None)


# --- adjectival participles (tacitus/events/predicates.py) ----------------------------------


@pytest.mark.parametrize(("text", "word", "predicate"), [
    ("Medics reached the attacked convoy near Mombasa.", "attacked", False),
    ("Kenyan police freed the released hostages.", "released", False),
    ("Rebels attacked the convoy near Mombasa.", "attacked", True),
    # a verb the parser took for a modifier keeps its own subject
    ("Ugandan soldiers sexually assaulted female protesters.", "assaulted", True),
])
def test_an_adjectival_participle_is_no_event(coder: Coder, text: str, word: str,
                                              predicate: bool) -> None:
    """"The attacked convoy", "the ousted president": the participle describes the noun;
    the event it names happened before and is not reported here."""
    token = next(t for t in coder.nlp(text) if t.lower_ == word)
    assert bool(coder.predicates.entries(token)) is predicate


def test_an_infinitive_parsed_as_ccomp_is_in_the_complement(coder: Coder) -> None:
    """"Kenya allowed Ugandan monitors to inspect ...": spaCy makes "to inspect" a ccomp with
    its own subject; the pattern still reaches the monitors."""
    assert ("0862", "KEN", "UGA") in code(
        coder, "Kenya allowed Ugandan monitors to inspect the polling stations.")


@pytest.mark.parametrize(("text", "expected"), [
    ("Kenyan and Ugandan troops attacked the village.",
     {("190", "KENMIL", ""), ("190", "UGAMIL", "")}),
    # each country is a member of a compound subject, as a "%" pattern asks
    ("Ghanaian and Togolese officials signed an accord on Monday.",
     {("057", "GHAGOV", "TGOGOV"), ("057", "TGOGOV", "GHAGOV")}),
])
def test_conjoined_nationality_adjectives_are_each_sources(
        coder: Coder, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert code(coder, text) == expected
