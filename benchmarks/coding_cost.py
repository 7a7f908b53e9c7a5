"""How much coding costs next to parsing, on the same sentences in one run.

spaCy's parse is the baseline; the coder (actor matching, patterns, arguments, modality, dates
and places) runs on the parsed documents. The engine's budget is coding <= 15% of parsing.
Both are measured in CPU seconds of this process (`time.process_time`), best of several
repeats, so that other work on the machine does not tilt the ratio; wall time is shown too.

Two corpora, reported apart because they load the coder very differently:

* **news**: news sentences as the coder meets them (the bundled sample articles, plus the
  seed article and the PETRARCH 2_02 suite texts when ../shared is present). Many sentences
  name no event, so much of the coder's work is skipped. The budget applies here.
* **dictionary examples**: the example sentence of every built-in pattern. Each one is
  written to fire its pattern, so every sentence runs the whole coder: a worst case.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spacy.language import Language

from tacitus.dictionaries.yaml_verbs import load_builtin_verbs
from tacitus.evaluate.petrarch_suite import read_records
from tacitus.events.coder import Coder
from tacitus.nlp import load_nlp
from tacitus.records import Article

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BUDGET = 0.15


def news_sentences() -> list[str]:
    """Sentences of news text: the bundled samples, the seed article, the 2_02 suite."""
    samples = Path(str(resources.files("tacitus.data").joinpath("samples")))
    texts = [json.loads(line)["text"] for path in sorted(samples.glob("*.jsonl"))
             for line in path.read_text().splitlines() if line.strip()]
    seed = SHARED / "seed" / "syria-2012-07-12.txt"
    if seed.exists():
        texts.extend(line for line in seed.read_text().splitlines() if line.strip())
    suite = SHARED / "reference/petrarch/universalpetrarch/PETR_Validate_records_2_02.xml"
    if suite.exists():
        texts.extend(r.text for r in read_records(suite) if r.text)
    return texts


def example_sentences() -> list[str]:
    """The example sentence of every built-in pattern and predicate entry."""
    texts: list[str] = []
    for entry in load_builtin_verbs().predicates:
        texts.extend(p.example for p in entry.patterns if p.example)
        if entry.example:
            texts.append(entry.example)
    return texts


@dataclass
class Cost:
    """Best-of-repeats CPU and wall seconds for parsing and for coding one corpus."""

    texts: int
    events: int
    parse_cpu: float
    parse_wall: float
    code_cpu: float
    code_wall: float

    @property
    def ratio(self) -> float:
        return self.code_cpu / self.parse_cpu


def measure(nlp: Language, coder: Coder, texts: list[str], repeat: int) -> Cost:
    articles = [Article(id=f"b{i}", text=t) for i, t in enumerate(texts)]
    cost = Cost(len(texts), 0, float("inf"), float("inf"), float("inf"), float("inf"))
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        docs = list(nlp.pipe(texts, batch_size=64))
        cost.parse_cpu = min(cost.parse_cpu, time.process_time() - cpu)
        cost.parse_wall = min(cost.parse_wall, time.perf_counter() - wall)
        wall, cpu = time.perf_counter(), time.process_time()
        cost.events = sum(len(coder.code_doc(d, a)) for d, a in zip(docs, articles, strict=True))
        cost.code_cpu = min(cost.code_cpu, time.process_time() - cpu)
        cost.code_wall = min(cost.code_wall, time.perf_counter() - wall)
    return cost


def report(name: str, cost: Cost, budget: bool) -> None:
    print(f"-- {name}: {cost.texts} texts, {cost.events} events")
    print(f"   spaCy parse: {cost.parse_cpu:.2f} CPU s, {cost.parse_wall:.2f} s wall "
          f"({cost.texts / cost.parse_cpu:.0f} texts per CPU second)")
    print(f"   coding:      {cost.code_cpu:.2f} CPU s, {cost.code_wall:.2f} s wall "
          f"({cost.texts / cost.code_cpu:.0f} texts per CPU second)")
    verdict = ("within" if cost.ratio <= BUDGET else "OVER") + f" the {BUDGET:.0%} budget"
    print(f"   coding / parsing = {cost.ratio:.3f}"
          + (f" ({verdict})" if budget else " (worst case, for information)"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    nlp = load_nlp()
    coder = Coder(nlp=nlp)
    news, examples = news_sentences(), example_sentences()
    # warm the lazily built tables (gazetteer, codebooks, pattern indexes) before timing
    for doc in nlp.pipe(news + examples, batch_size=64):
        coder.code_doc(doc, Article(id="warm", text=doc.text))
    report("news", measure(nlp, coder, news, args.repeat), budget=True)
    report("dictionary examples", measure(nlp, coder, examples, max(1, args.repeat - 2)),
           budget=False)


if __name__ == "__main__":
    main()
