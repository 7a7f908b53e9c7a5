"""The CAMEO and PLOVER codebooks: facts against the references, and the lookups the coder uses."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from tacitus.codebook import (
    actor_type_plover_code,
    actor_type_sector,
    actor_types,
    cameo_event,
    cameo_events,
    cameo_root,
    cameo_to_plover,
    plover_contexts,
    plover_for_cameo,
    plover_international_codes,
    plover_mode,
    plover_score,
    plover_sectors,
    plover_types,
    quad_class_for,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CAMEO_REF = SHARED / "reference" / "cameo"
PLOVER_REF = SHARED / "reference" / "plover"

PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}  # fmt: skip


def _reference(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"reference data not available: {path} (needs ../shared next to the repo)")
    return path


def _lookup_rows(path: Path) -> list[list[str]]:
    """Rows of a GDELT lookup file (CRLF, tab-separated, one header row), codes kept as text."""
    text = _reference(path).read_text(encoding="utf-8", errors="replace")
    return [line.split("\t") for line in text.splitlines()[1:] if line.strip()]


def _reference_goldstein() -> dict[str, float]:
    """GDELT's scores, plus any "code:[score]" glued into a label (the lost 106 row)."""
    rows = _lookup_rows(CAMEO_REF / "CAMEO.goldsteinscale.txt")
    scores = {code: float(value) for code, value in rows}
    for _code, label in _lookup_rows(CAMEO_REF / "CAMEO.eventcodes.txt"):
        for code, value in re.findall(r"(\d{2,4}):\[(-?\d+(?:\.\d+)?)\]", label):
            scores[code] = float(value)
    return scores


def _root_quad(root: str) -> int:
    number = int(root)
    return 1 if number <= 5 else 2 if number <= 9 else 3 if number <= 14 else 4


# --- CAMEO facts against GDELT's lookup tables -------------------------------------------------


@pytest.mark.shared
def test_every_gdelt_code_is_present_with_its_goldstein_score() -> None:
    reference = _reference_goldstein()
    label_codes = {code for code, _ in _lookup_rows(CAMEO_REF / "CAMEO.eventcodes.txt")}
    assert label_codes <= set(reference)
    ours = cameo_events()
    missing = sorted(set(reference) - set(ours))
    assert not missing, f"codes missing from event_codes.tsv: {missing}"
    wrong = {c: (ours[c].goldstein, v) for c, v in reference.items() if ours[c].goldstein != v}
    assert not wrong, f"Goldstein differs from GDELT (ours, GDELT): {wrong}"
    assert set(ours) == set(reference), "event_codes.tsv lists codes GDELT does not score"
    assert cameo_event("106") is not None and reference["106"] == -5.0


@pytest.mark.shared
def test_every_gdelt_actor_type_is_present() -> None:
    reference = {code for code, _ in _lookup_rows(CAMEO_REF / "CAMEO.type.txt")}
    assert reference <= set(actor_types())


@pytest.mark.shared
def test_plover_names_and_scores_match_the_manual_extraction() -> None:
    ontology = json.loads(_reference(PLOVER_REF / "plover_ontology.json").read_text())
    types = plover_types()
    assert {e["event"] for e in ontology["events"]} == set(types)
    for entry in ontology["events"]:
        assert types[entry["event"]].modes == tuple(m["mode"] for m in entry["modes"])
        assert types[entry["event"]].requires_recipient == entry["requires_recipient"]
    assert {c["context"] for c in ontology["contexts"]} == set(plover_contexts())
    assert {s["code"] for s in ontology["sector_codes"]} == set(plover_sectors())
    assert {c["code"] for c in ontology["international_nonstate_country_codes"]} == set(
        plover_international_codes()
    )
    for key, value in ontology["plover_scores"].items():
        event, _, mode = key.partition(": ")
        ours = plover_score(event, mode.lower() or None)
        expected = -3.0 if key == "ACCUSE" else value  # the manual's sign typo, see plover.yaml
        assert ours == expected, key


# Where we deliberately part from the 2021 crosswalk's event type, with the reason in the YAML.
CHANGED_FROM_2021 = {
    **dict.fromkeys(["035", "0351", "0352", "0353", "0354", "0355", "0356"], "CONCEDE"),
    "055": "CONCEDE",
    "0813": "CONCEDE",
    "0814": "CONCEDE",
    "0831": "RETREAT",
    "116": "SANCTION",
    "163": "SANCTION",
    "192": "ASSAULT",
}


@pytest.mark.shared
def test_crosswalk_keeps_2021_event_types_except_documented_changes() -> None:
    path = _reference(PLOVER_REF / "CAMEO2PLOVER-2021.parsed.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    listed: dict[str, set[str]] = {}  # the 2021 table lists some codes twice ("08", "175")
    for row in rows:
        listed.setdefault(row["cameo_code"], set()).add(row["plover_event"])
    ours = cameo_to_plover()
    for code, events in listed.items():
        expected = {CHANGED_FROM_2021[code]} if code in CHANGED_FROM_2021 else events
        assert ours[code].event in expected, (code, events, ours[code].event)


# --- CAMEO codebook behaviour -------------------------------------------------------------------


def test_quad_class_follows_the_root() -> None:
    events = cameo_events()
    assert len(events) == 311
    for code, event in events.items():
        assert event.quad_class == _root_quad(code[:2]), code
        assert quad_class_for(code) == event.quad_class
    assert [quad_class_for(r) for r in ("01", "05", "06", "09", "10", "14", "15", "20")] == [
        1, 1, 2, 2, 3, 3, 4, 4,
    ]  # fmt: skip


def test_goldstein_scores_stay_in_range_and_names_are_filled() -> None:
    for event in cameo_events().values():
        assert -10.0 <= event.goldstein <= 10.0
        assert event.name.strip()


def test_cameo_lookup_is_exact() -> None:
    found = cameo_event("0211")
    assert found is not None
    assert (found.code, found.goldstein, found.quad_class) == ("0211", 3.4, 1)
    assert cameo_event(" 190 ") == cameo_event("190")
    assert cameo_event("0234x") is None
    assert cameo_event("0235") is None  # unknown sub-code: no silent fallback ...
    assert cameo_event("0235"[:3]) is not None  # ... the caller asks for the parent itself
    assert cameo_event("10") != cameo_event("010")


def test_cameo_root_and_quad_class_reject_malformed_codes() -> None:
    assert cameo_root("1821") == "18"
    assert quad_class_for("0235") == 1  # unknown sub-code of a known root
    for bad in ("", "1", "12345", "ab", "0234x"):
        with pytest.raises(ValueError):
            cameo_root(bad)
    with pytest.raises(ValueError):
        quad_class_for("99")


def test_actor_types_map_to_plover_sectors() -> None:
    assert actor_type_sector("GOV") == "GOV"
    assert actor_type_sector("MED") == "JRN"  # CAMEO media -> PLOVER journalists
    assert actor_type_sector("HLH") == "MED"  # CAMEO health -> PLOVER medical
    assert actor_type_sector("INS") == actor_type_sector("SEP") == "REB"
    assert actor_type_sector("rel") == "REL"
    assert actor_type_sector("IGO") is None and actor_type_plover_code("IGO") == "IGO"
    assert actor_type_plover_code("NGM") == "ISM"
    assert actor_type_sector("XYZ") is None and actor_type_plover_code("XYZ") is None
    sectors = plover_sectors()
    internationals = plover_international_codes()
    for entry in actor_types().values():
        assert entry.sector is None or entry.sector in sectors, entry
        assert entry.plover_code is None or entry.plover_code in internationals, entry


# --- PLOVER codebook and crosswalk --------------------------------------------------------------


def test_all_sixteen_plover_types_with_quad_classes() -> None:
    types = plover_types()
    assert set(types) == PLOVER_TYPES
    assert sum(len(t.modes) for t in types.values()) == 67
    assert types["SANCTION"].quad_class == 4  # the manual disagrees with itself; see plover.yaml
    assert types["ACCUSE"].score < 0
    assert {n for n, t in types.items() if t.requires_recipient} == {"COOPERATE", "AID", "SANCTION"}
    assert types["CONSULT"].modes == ("visit", "third-party", "multilateral", "phone")
    assert not types["AGREE"].modes


def test_plover_modes_and_scores() -> None:
    cyber = plover_mode("COERCE", "cyber")
    assert cyber is not None and cyber.adds_context == ("cyber",)
    assert plover_mode("AGREE", "visit") is None
    assert plover_score("ASSAULT", "aerial") == -9.5
    assert plover_score("PROTEST", "vandalize") == plover_score("PROTEST") == -5.0
    assert plover_score("FIGHT") is None


def test_every_cameo_code_has_a_valid_crosswalk_line() -> None:
    types = plover_types()
    contexts = plover_contexts()
    lines = cameo_to_plover()
    assert set(cameo_events()) <= set(lines)
    for code, mapping in lines.items():
        assert code[:2] in lines, code
        assert mapping.event is None or mapping.event in types, code
        if mapping.mode is not None:
            assert mapping.event is not None and mapping.mode in types[mapping.event].modes, code
        assert all(c in contexts for c in mapping.context), code


def test_appeals_are_requests_and_statements_have_no_type() -> None:
    lines = cameo_to_plover()
    appeals = [c for c in lines if c.startswith("02")]
    statements = [c for c in lines if c.startswith("01")]
    assert len(appeals) == 28 and len(statements) == 11
    assert {lines[c].event for c in appeals} == {"REQUEST"}
    assert all(lines[c] == lines["01"] for c in statements)
    assert lines["01"].event is None and lines["01"].mode is None and lines["01"].context == ()
    assert lines["0256"].mode == "yield" and lines["026"].mode == "meet"


def test_crosswalk_reflects_the_2024_manual() -> None:
    def mapped(code: str) -> tuple[str | None, str | None]:
        found = plover_for_cameo(code)
        assert found is not None
        return found.event, found.mode

    assert mapped("081") == ("CONCEDE", None)
    assert mapped("0841") == ("RETREAT", "release")
    assert mapped("0831") == ("RETREAT", "resign")
    assert mapped("185") == ("ASSAULT", "targeted")
    assert mapped("163") == ("SANCTION", "discontinue")
    assert mapped("116") == ("SANCTION", "convict")
    assert mapped("2042") == ("ASSAULT", "unconventional")
    assert mapped("043") == ("CONSULT", "visit")


def test_plover_lookup_falls_back_to_parent_codes() -> None:
    assert plover_for_cameo("0845") == plover_for_cameo("084")  # no own line: 3-digit parent
    assert plover_for_cameo("0999") == plover_for_cameo("09")  # no 3-digit line either: the root
    assert plover_for_cameo("176") == cameo_to_plover()["176"]  # own line beats the root
    assert plover_for_cameo("1213") != plover_for_cameo("121")
    assert plover_for_cameo(" 0211 ") == cameo_to_plover()["0211"]
    assert plover_for_cameo("0234x") is None
    assert plover_for_cameo("99") is None
    assert plover_for_cameo("") is None
