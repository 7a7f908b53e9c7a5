"""How much coding costs next to parsing, on the same sentences in one run.

spaCy's parse is the baseline; the coder (actor matching, patterns, arguments, modality, dates
and places) runs on the parsed documents. The engine's budget is coding <= 15% of parsing.
Both are measured in CPU seconds of this process (`time.process_time`), best of several
repeats, so that other work on the machine does not tilt the ratio; wall time is shown too.
Sentences: every example sentence of the built-in pattern dictionary, plus the seed article
and the PETRARCH 2_02 suite texts when ../shared is present.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tacitus.dictionaries.yaml_verbs import load_builtin_verbs
from tacitus.evaluate.petrarch_suite import read_records
from tacitus.events.coder import Coder
from tacitus.nlp import load_nlp
from tacitus.records import Article

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BUDGET = 0.15


def corpus() -> list[str]:
    texts: list[str] = []
    for entry in load_builtin_verbs().predicates:
        texts.extend(p.example for p in entry.patterns if p.example)
        if entry.example:
            texts.append(entry.example)
    seed = SHARED / "seed" / "syria-2012-07-12.txt"
    if seed.exists():
        texts.extend(line for line in seed.read_text().splitlines() if line.strip())
    suite = SHARED / "reference/petrarch/universalpetrarch/PETR_Validate_records_2_02.xml"
    if suite.exists():
        texts.extend(r.text for r in read_records(suite) if r.text)
    return texts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    texts = corpus()
    nlp = load_nlp()
    coder = Coder(nlp=nlp)
    articles = [Article(id=f"b{i}", text=t) for i, t in enumerate(texts)]
    coder.code_doc(nlp(texts[0]), articles[0])  # warm caches (gazetteer, codebooks)
    parse_cpu: list[float] = []
    code_cpu: list[float] = []
    parse_wall: list[float] = []
    code_wall: list[float] = []
    events = 0
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        docs = list(nlp.pipe(texts, batch_size=64))
        parse_cpu.append(time.process_time() - cpu)
        parse_wall.append(time.perf_counter() - wall)
        wall, cpu = time.perf_counter(), time.process_time()
        events = sum(len(coder.code_doc(d, a)) for d, a in zip(docs, articles, strict=True))
        code_cpu.append(time.process_time() - cpu)
        code_wall.append(time.perf_counter() - wall)
    parse, code = min(parse_cpu), min(code_cpu)
    ratio = code / parse
    print(f"sentences: {len(texts)}  events: {events}")
    print(f"spaCy parse: {parse:.2f} CPU s, {min(parse_wall):.2f} s wall "
          f"({len(texts) / parse:.0f} sentences per CPU second)")
    print(f"coding:      {code:.2f} CPU s, {min(code_wall):.2f} s wall "
          f"({len(texts) / code:.0f} sentences per CPU second)")
    verdict = "within" if ratio <= BUDGET else "OVER"
    print(f"coding / parsing = {ratio:.3f} ({verdict} the {BUDGET:.0%} budget)")


if __name__ == "__main__":
    main()
