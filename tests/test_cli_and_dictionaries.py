"""The `tacitus` command and dictionary loading, on files written here.

Covers the two dictionary formats loaded side by side (Tacitus YAML and PETRARCH's own text
files, detected by content), `--dictionary`, `--no-default-dictionaries`, `--explain`, and what
bad input does: one message naming the file and line, the other documents still coded, a
non-zero exit only when nothing could be read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tacitus.cli.main import main
from tacitus.dictionaries.errors import DictionaryError
from tacitus.dictionaries.load import load_dictionaries, load_file
from tacitus.dictionaries.petrarch import detect_kind

PETRARCH_VERBS = """\
####### VERB PATTERNS #######

--- SCOLD [111] ---
SCOLD {SCOLDS SCOLDED SCOLDING}
- * (OVER TRADE) [1121]  # test pattern
"""
PETRARCH_ACTORS = """\
FREEDONIA [FRD]
+FREEDONIAN
SYLVANIA [SYL]
RUFUS_FIREFLY
\t[FRDGOV 19330101-19331231]
\t[FRDELI >19340101]
"""
PETRARCH_AGENTS = """\
MINISTER [~GOV]
"""
YAML_VERBS = """\
predicates:
  - verb: rebuke
    code: "111"
    patterns:
      - match: "* (over trade)"
        code: "1121"
        example: "Freedonia rebuked Sylvania over trade."
"""


@pytest.fixture
def dictionaries(tmp_path: Path) -> Path:
    folder = tmp_path / "dicts"
    folder.mkdir()
    (folder / "verbs.txt").write_text(PETRARCH_VERBS)
    (folder / "actors.txt").write_text(PETRARCH_ACTORS)
    (folder / "agents.txt").write_text(PETRARCH_AGENTS)
    (folder / "verbs.yaml").write_text(YAML_VERBS)
    return folder


def _events(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]


def test_formats_are_detected_by_content(dictionaries: Path) -> None:
    assert detect_kind(dictionaries / "verbs.txt") == "verbs"
    assert detect_kind(dictionaries / "actors.txt") == "actors"
    assert detect_kind(dictionaries / "agents.txt") == "agents"
    loaded = load_dictionaries([dictionaries], use_defaults=False)
    lemmas = {p.lemma for p in loaded.predicates}
    assert {"SCOLD", "REBUKE"} <= lemmas
    firefly = next(a for a in loaded.actors if a.words == ("RUFUS", "FIREFLY"))
    assert [firefly.code_on(d) for d in (None,)] == ["FRDELI"]


def test_both_formats_code_side_by_side(tmp_path: Path, dictionaries: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "story.txt"
    text.write_text("Freedonia scolded Sylvania over trade. Sylvania rebuked Freedonia over trade.")
    code = main(["code", str(text), "--no-default-dictionaries", "--dictionary",
                 str(dictionaries), "--date", "1933-06-01"])
    assert code == 0
    triples = {(e["cameo_code"], e["actor"][0]["cameo"], e["recipient"][0]["cameo"])  # type: ignore[index]
               for e in _events(capsys)}
    assert triples == {("1121", "FRD", "SYL"), ("1121", "SYL", "FRD")}


def test_dated_actor_codes_follow_the_document_date(tmp_path: Path, dictionaries: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "firefly.jsonl"
    text.write_text("\n".join(json.dumps(d) for d in (
        {"id": "a", "published": "1933-06-01", "text": "Rufus Firefly scolded Sylvania."},
        {"id": "b", "published": "1950-06-01", "text": "Rufus Firefly scolded Sylvania again."},
    )))
    main(["code", str(text), "--no-default-dictionaries", "--dictionary", str(dictionaries)])
    sources = {e["doc_id"]: e["actor"][0]["cameo"] for e in _events(capsys)}  # type: ignore[index]
    assert sources == {"a": "FRDGOV", "b": "FRDELI"}


def test_default_dictionaries_add_to_user_dictionaries(tmp_path: Path, dictionaries: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "story.txt"
    text.write_text("France scolded Germany over trade.")
    main(["code", str(text), "--dictionary", str(dictionaries / "verbs.txt")])
    assert any(e["cameo_code"] == "1121" for e in _events(capsys))


def test_explain_shows_the_rule_and_parse_path(tmp_path: Path, dictionaries: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "story.txt"
    text.write_text("Freedonia scolded Sylvania over trade.")
    main(["code", str(text), "--no-default-dictionaries", "--dictionary", str(dictionaries),
          "--explain"])
    captured = capsys.readouterr()
    event = json.loads(captured.out.splitlines()[0])
    assert event["rule"].startswith("verbs.txt:")
    assert "predicate 'scolded'" in captured.err and "source FRD" in captured.err


def test_bad_input_is_reported_and_the_rest_coded(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"id": "ok", "text": "France attacked Germany."}\n'
                    '{"id": "broken", "text": \n'
                    '{"id": "empty", "text": ""}\n')
    assert main(["code", str(docs), "--date", "2020-01-01"]) == 0
    captured = capsys.readouterr()
    assert any(json.loads(line)["doc_id"] == "ok" for line in captured.out.splitlines())
    assert "docs.jsonl:2" in captured.err.replace("\n", "")
    assert "empty" in captured.err


def test_nothing_readable_exits_non_zero(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["code", str(empty)]) != 0


def test_broken_dictionary_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("predicates:\n  - verb: scold\n    code: 111\n")
    with pytest.raises(DictionaryError, match=r"broken\.yaml"):
        load_file(broken)
    story = tmp_path / "story.txt"
    story.write_text("France attacked Germany.")
    assert main(["code", str(story), "--dictionary", str(broken)]) == 2
