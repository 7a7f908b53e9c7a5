"""The PLOVER gold-standard sentence evaluation: its scoring rule, and the dev split's figures.

The project's targets are type hit >= 0.80 and source country >= 0.80; the knowledge is still
being improved, so the dev-split test guards against regression (floors a little below the
measured values) instead of asserting the targets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from tacitus.evaluate.plover_gsr import (
    GsrReport,
    GsrSentence,
    evaluate_plover_gsr,
    read_gsr,
    score_sentence,
)
from tacitus.events.coder import CoderOptions, build_coder
from tacitus.records import ActorRef, EventRecord
from tests.shared_data import shared_path

DEV = ("eval", "plover_gsr_dev", "PLOVER_GSR_dev.jsonl")

# Measured with the built-in dictionaries and default options on the committed tree when the
# evaluation landed (commit 4e846bb): type hit 0.553 (99/179), source country 0.626 (112/179).
# Raised after the intent and vocabulary work of issue 3: type hit 0.676 (121/179), source
# country 0.715 (128/179); the floors sit a little below those figures.
# Raised after in-document role linking: type hit 0.687 (123/179), source country 0.721
# (129/179). Object nouns taking their verb's mood: type hit 0.693 (124/179).
# Demands reported as speech: type hit 0.715 (128/179), source country 0.732 (131/179).
# Denied acceptance as refusal: type hit 0.721 (129/179); demand nouns whose that-clause
# hangs on the verb: 0.726 (130/179). Rank titles before names and peacekeepers' arrivals:
# type hit 0.737 (132/179), source country 0.732 (131/179). Weapons without a named user as
# unidentified attackers: type hit 0.760 (136/179). Obstruction vocabulary (transport, junctions,
# gates, ...): type hit 0.765 (137/179), source country 0.737 (132/179). Islamists,
# fundamentalists, hardliners as actors (RAD): type hit 0.771 (138/179), source 0.743 (133/179).
# "Forced/drove X out" as expulsion: source country 0.754 (135/179). Ground words (settlements,
# strongholds, districts, ...): type hit 0.777 (139/179).
# Regions, breakaway entities and peoples living in another state take that state; "ethnic X"
# takes none of its own: source country 0.782 (140/179).
# Taking territory by force as ASSAULT (2024 manual), accepted proposals, launched mediations,
# withheld permits, imposed restrictions: type hit 0.810 (145/179), source country 0.793
# (142/179). Cyber attacks as COERCE 'cyber' (176) and widened freedoms as eased restrictions
# (0811): type hit 0.821 (147/179), source country 0.799 (143/179).
# Engine fixes (branch engine-fixes): conjoined nationality adjectives, peoples "of" a state:
# type hit 0.827 (148/179), source country 0.804 (144/179).
TYPE_HIT_FLOOR = 0.815
SOURCE_COUNTRY_FLOOR = 0.79


def _actor(code: str) -> ActorRef:
    return ActorRef(code=code, sector=None, cameo=code, text=code, start=0, end=len(code))


def _record(event: str | None, source: str, mode: str | None = None) -> EventRecord:
    return EventRecord(
        id=f"{event}-{source}", doc_id="s1", date=None, date_source=None, event=event,
        mode=mode, context=[], actor=[_actor(source)], recipient=[], cameo_code="000",
        goldstein=None, quad_class=None, sentence_index=0, sentence_text="", sentence_start=0,
        event_text="", event_start=0, event_end=0, rule="test", confidence=0.5,
    )


def _gold(event: str, *codes: str, mode: str | None = None) -> GsrSentence:
    return GsrSentence(id="s1", text="", event=event, mode=mode, actor_codes=codes)


def test_type_and_source_come_from_the_gold_type_event() -> None:
    result = score_sentence(
        _gold("AGREE", "USA", "JOR"),
        [_record("AGREE", "JOR"), _record("CONSULT", "USA"), _record(None, "USA")],
    )
    assert result.type_hit and result.source_hit and result.mode_hit
    assert result.coded_types == ("AGREE", "CONSULT")
    assert result.extra_types == ("CONSULT",)


def test_wrong_type_falls_back_to_every_event_for_the_source() -> None:
    result = score_sentence(_gold("THREATEN", "ISR", mode="ultimatum"),
                            [_record("COERCE", "ISR", mode="restrict")])
    assert not result.type_hit and result.source_hit and not result.mode_hit
    assert result.extra_types == ("COERCE",)


def test_a_gold_type_event_with_the_wrong_actor_is_a_source_miss() -> None:
    # The right country on another type's event does not count once the gold type is coded,
    # and international codes are compared as written (UNO is not IGO).
    result = score_sentence(_gold("REQUEST", "IGO"),
                            [_record("REQUEST", "UNO"), _record("AID", "IGO")])
    assert result.type_hit and not result.source_hit
    assert result.coded_sources == ("UNO",)


def test_report_figures_add_up() -> None:
    report = GsrReport([
        score_sentence(_gold("AGREE", "USA"), [_record("AGREE", "USA")]),
        score_sentence(_gold("AGREE", "FRA"), [_record("REJECT", "FRA")]),
        score_sentence(_gold("ASSAULT", "IRQ"), []),
    ])
    assert (report.n, report.type_hits, report.source_hits) == (3, 1, 2)
    assert report.type_hit_rate == pytest.approx(1 / 3)
    assert report.source_country_rate == pytest.approx(2 / 3)
    assert report.mode_agreement == 1.0
    assert report.extra_types_per_sentence == pytest.approx(1 / 3)
    rows = report.per_type()
    assert (rows["AGREE"].n, rows["AGREE"].type_hits, rows["AGREE"].source_hits) == (2, 1, 2)
    summary = report.to_dict()
    assert summary["type_missed"] == ["s1", "s1"]
    assert json.loads(json.dumps(summary)) == summary


def test_read_gsr_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "text": "t", "event": "AGREE", "actor": []}\n{"id": "b"}\n',
                    encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold.jsonl:2"):
        read_gsr(path)


@pytest.mark.shared
def test_plover_gsr_dev_split() -> None:
    path = shared_path(*DEV)
    report = evaluate_plover_gsr(path, build_coder(options=CoderOptions()))
    Console(width=100).print(report.to_table())
    summary = report.to_dict()
    print(json.dumps({k: v for k, v in summary.items() if not isinstance(v, (dict, list))}))

    assert report.n == len(read_gsr(path)) == 179
    rows = report.per_type().values()
    assert sum(r.n for r in rows) == report.n
    assert sum(r.type_hits for r in rows) == report.type_hits
    assert sum(r.source_hits for r in rows) == report.source_hits
    assert all(0 <= r.type_hits <= r.n and 0 <= r.source_hits <= r.n for r in rows)
    assert len(summary["type_missed"]) == report.n - report.type_hits
    assert len(summary["source_missed"]) == report.n - report.source_hits
    assert report.mode_hits <= report.type_hits
    for share in (report.type_hit_rate, report.source_country_rate, report.mode_agreement):
        assert 0.0 <= share <= 1.0
    assert report.extra_types_per_sentence >= 0.0

    assert report.type_hit_rate >= TYPE_HIT_FLOOR
    assert report.source_country_rate >= SOURCE_COUNTRY_FLOOR



def test_eval_plover_command_scores_a_gold_file(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The command itself, on a gold file of two sentences written here (it has no limit
    options of its own, so it takes the environment's)."""
    from tacitus.cli.main import main

    gold = tmp_path / "gold.jsonl"
    lines = [
        {"id": "g1", "text": "Chilean police arrested three protest leaders in Santiago.",
         "event": "COERCE", "actor": [{"code": "CHL"}]},
        {"id": "g2", "text": "Peru's president praised Bolivia's new trade policy on Monday.",
         "event": "SUPPORT", "actor": [{"code": "PER"}]},
    ]
    gold.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert main(["eval-plover", str(gold)]) == 0
    printed = capsys.readouterr().out
    figures = json.loads(printed[printed.index("\n{") + 1:])
    assert figures["sentences"] == 2
    assert figures["type_hits"] == 2 and figures["source_hits"] == 2
