"""Run a PETRARCH validation suite (records XML + its dictionaries) through the coder.

The suites' files are not well-formed XML (UniversalPetrarch's own validator reads them line
by line), so records are cut out with patterns. Each record's text is coded with the suite's
own dictionaries and its date; we compare (event, source, target) triples with the record's
`EventCoding` lines: recall of expected triples, and extra triples per record (a triple coded
for a `noevents` record is extra).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tacitus.dictionaries.load import load_dictionaries
from tacitus.events.coder import Coder, CoderOptions

Triple = tuple[str, str, str]

NULL_ACTOR = "---"  # a role with no country: PETRARCH's scorer counts it as no actor

_SENTENCE = re.compile(r"<Sentence\b([^>]*)>(.*?)</Sentence>", re.S)
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
_CODING = re.compile(r"<EventCoding\b([^>]*)/?>")
_TEXT = re.compile(r"<Text>(.*?)</Text>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class SuiteRecord:
    id: str
    category: str
    date: dt.date | None
    text: str
    expected: tuple[Triple, ...]
    noevents: bool
    evaluate: bool


@dataclass
class RecordResult:
    record: SuiteRecord
    coded: list[Triple]
    found: list[Triple]
    missed: list[Triple]
    extra: list[Triple]


@dataclass
class SuiteResult:
    results: list[RecordResult] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return sum(len(r.record.expected) for r in self.results)

    @property
    def recall(self) -> float:
        found = sum(len(r.found) for r in self.results)
        return found / self.expected if self.expected else 0.0

    @property
    def extra_per_record(self) -> float:
        extra = sum(len(r.extra) for r in self.results)
        return extra / len(self.results) if self.results else 0.0


def _date(raw: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        return None


def read_records(path: Path) -> Iterator[SuiteRecord]:
    """Records of a PETRARCH validation file; `evaluate`/`valid` false marks skipped ones."""
    text = _COMMENT.sub("", path.read_text(encoding="utf-8", errors="replace"))
    for match in _SENTENCE.finditer(text):
        attrs: dict[str, str] = dict(_ATTRIBUTE.findall(match.group(1)))
        body = match.group(2)
        codings: list[dict[str, str]] = [dict(_ATTRIBUTE.findall(c))
                                         for c in _CODING.findall(body)]
        text_match = _TEXT.search(body)
        expected = tuple(
            (c["eventcode"], html.unescape(c["sourcecode"]), html.unescape(c["targetcode"]))
            for c in codings
            if "eventcode" in c and "sourcecode" in c and "targetcode" in c
        )
        flag = (attrs.get("evaluate") or attrs.get("valid") or "true").lower()
        yield SuiteRecord(
            id=attrs.get("id", ""),
            category=attrs.get("category", ""),
            date=_date(attrs.get("date", "")),
            text=" ".join(html.unescape(text_match.group(1)).split()) if text_match else "",
            expected=expected,
            noevents=any((c.get("noevents") or "").lower() == "true" for c in codings),
            evaluate=flag == "true"
            and not any("error" in c for c in codings)
            and attrs.get("category", "") != "ERROR",
        )


SUITE_OPTIONS = CoderOptions(
    keep_modal=True, require_dyad=True, locative_targets=True, keep_claimed=True,
    loose_targets=True, negation_codes=True, absorb_lower=True, document_country=False,
    allegations=False,
)


def run_suite(records_path: Path, dictionary_paths: Sequence[Path],
              coder: Coder | None = None) -> SuiteResult:
    """Code every evaluated record with the suite's dictionaries and score it."""
    if coder is None:
        coder = Coder(load_dictionaries(dictionary_paths, use_defaults=False),
                      options=SUITE_OPTIONS)
    result = SuiteResult()
    records = [r for r in read_records(records_path) if r.evaluate]
    for record in records:
        events = coder.code_text(record.text, record.date, record.id)
        coded = sorted({
            (e.cameo_code, a.cameo, r.cameo)
            for e in events for a in e.actor for r in e.recipient
            if not a.cameo.startswith(NULL_ACTOR) and not r.cameo.startswith(NULL_ACTOR)
        })
        expected = list(record.expected)
        found = [t for t in expected if t in coded]
        extra = [t for t in coded if t not in expected]
        missed = [t for t in expected if t not in coded]
        result.results.append(RecordResult(record, coded, found, missed, extra))
    return result
