"""The `tacitus` command: one sub-command per job, each a thin layer over a stage's API.

Messages about bad input go to standard error, one line per problem naming the file and the
place; results go to standard output. A run exits non-zero only when nothing could be read
(or a command's own arguments are wrong), never because some inputs were bad.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import itertools
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from tacitus.cli.serve import add_serve_parser, run_serve
from tacitus.dictionaries.errors import DictionaryError
from tacitus.evaluate.gold import read_gold, score
from tacitus.events.coder import Coder, CoderOptions, build_coder
from tacitus.limits import BadLimit, LimitExceeded, Limits, code_within_limits, env_name, flag_name
from tacitus.records import Article, EventRecord, Reject
from tacitus.sources import read_paths

if TYPE_CHECKING:
    from tacitus.ingest import IngestSummary

EXIT_OK = 0
EXIT_NOTHING_READ = 1
EXIT_USAGE = 2
#: Another run is writing the database (`StoreBusy`): try again later, nothing was done.
EXIT_BUSY = 3

_err = Console(stderr=True, highlight=False)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def _add_coder_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dictionary", action="append", type=Path, default=[],
                        metavar="PATH", help="extra dictionary file or folder (repeatable; "
                        "Tacitus YAML or PETRARCH format, detected)")
    parser.add_argument("--no-default-dictionaries", action="store_true",
                        help="use only the --dictionary files")
    parser.add_argument("--keep-modal", action="store_true",
                        help="keep negated, hypothetical, conditional and future events, "
                        "marked with PLOVER's auxiliary modes")
    parser.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
                        help="publication date for documents that give none")
    limits = parser.add_argument_group("limits", "what one document may cost; a document over "
                                       "a limit is rejected with a reason (tacitus/limits.py)")
    for item in dataclasses.fields(Limits):
        limits.add_argument(flag_name(item.name), type=type(item.default), metavar="N",
                            help=f"{item.metadata['help']}; also {env_name(item.name)}")


def _limits(args: argparse.Namespace) -> Limits:
    """The limits in the environment, overridden by those given as options (commands without
    the limit options, such as `eval-plover`, use the environment's)."""
    given = {item.name: getattr(args, item.name, None) for item in dataclasses.fields(Limits)}
    return Limits.from_env().with_changes(**given)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tacitus", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    code = commands.add_parser("code", help="code documents and print their events")
    code.add_argument("paths", nargs="+", help=".txt, .jsonl, .csv, .html, WARC, feed, "
                      "directory, or - for standard input")
    code.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    code.add_argument("--explain", action="store_true",
                      help="show the parse path and the rule behind each event")
    _add_coder_options(code)

    evaluate = commands.add_parser("eval", help="score coded documents against a gold file")
    evaluate.add_argument("gold", type=Path)
    evaluate.add_argument("paths", nargs="+")
    _add_coder_options(evaluate)

    ingest = commands.add_parser("ingest", help="code a corpus into a DuckDB database "
                                 "(resumable, idempotent)")
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument("--db", type=Path, default=Path("tacitus.duckdb"))
    ingest.add_argument("--workers", type=int, default=1)
    ingest.add_argument("--date-from", type=_date)
    ingest.add_argument("--date-to", type=_date)
    scale = ingest.add_mutually_exclusive_group()
    scale.add_argument("--dask", metavar="ADDRESS", help="code on the workers of a running Dask "
                       "scheduler (tcp://HOST:8786, or its --scheduler-file); docs/scale.md")
    scale.add_argument("--dask-local", type=int, metavar="N",
                       help="code on a local Dask cluster of N worker processes")
    ingest.add_argument("--shards", type=Path, metavar="DIR", help="with Dask: folder for the "
                        "workers' Parquet shards, the same path on every machine (default: "
                        "DB.shards)")
    ingest.add_argument("--keep-shards", action="store_true",
                        help="with Dask: keep the shards once merged")
    _add_coder_options(ingest)

    recode = commands.add_parser("recode", help="re-code stored articles after a "
                                 "dictionary change")
    recode.add_argument("--db", type=Path, default=Path("tacitus.duckdb"))
    recode.add_argument("--workers", type=int, default=1)
    _add_coder_options(recode)

    export = commands.add_parser("export", help="export events: GDELT, PLOVER, Parquet, CSV")
    export.add_argument("--db", type=Path, default=Path("tacitus.duckdb"))
    export.add_argument("--format", choices=("gdelt", "plover", "parquet", "csv"),
                        required=True)
    export.add_argument("--out", type=Path, default=Path("out"), help="output folder")
    export.add_argument("--date-from", type=_date)
    export.add_argument("--date-to", type=_date)
    export.add_argument("--country", help="actor or recipient country code")
    export.add_argument("--type", dest="plover_type", help="PLOVER event type")
    export.add_argument("--cameo", dest="cameo_prefix", help="CAMEO code prefix")

    demo = commands.add_parser("demo", help="code the bundled sample corpus and summarise it")
    demo.add_argument("--db", type=Path, default=Path("tacitus.duckdb"))

    plover_gsr = commands.add_parser("eval-plover", help="score the coder on PLOVER "
                                     "gold-standard sentences (JSONL, one event each)")
    plover_gsr.add_argument("gold", type=Path)
    plover_gsr.add_argument("--dictionary", action="append", type=Path, default=[],
                            metavar="PATH", help="extra dictionary file or folder (repeatable)")
    plover_gsr.add_argument("--no-default-dictionaries", action="store_true",
                            help="use only the --dictionary files")
    plover_gsr.add_argument("--keep-modal", action="store_true",
                            help="keep negated, hypothetical, conditional and future events")
    add_serve_parser(commands)
    return parser


def _coder(args: argparse.Namespace, explain: bool = False) -> Coder:
    options = CoderOptions(keep_modal=args.keep_modal, explain=explain)
    return build_coder(args.dictionary, not args.no_default_dictionaries, options=options,
                       limits=_limits(args))


def _articles(paths: Sequence[str], default_date: dt.date | None,
              counts: dict[str, int], limits: Limits) -> Iterator[Article]:
    """Articles from the paths; every reject is reported on standard error as it comes."""
    for item in read_paths(paths, limits=limits):
        if isinstance(item, Reject):
            counts["rejected"] += 1
            _err.print(f"[yellow]skipped[/] {item}")
            continue
        counts["read"] += 1
        if item.published is None and default_date is not None:
            item = dataclasses.replace(item, published=default_date)
        yield item


#: Articles coded in one spaCy memory zone by `tacitus code` (see `Coder.memory_zone`).
_ZONE_ARTICLES = 100


def _code_all(args: argparse.Namespace, coder: Coder, counts: dict[str, int]
              ) -> Iterator[tuple[Article, list[EventRecord]]]:
    """Each article with its events; one over a limit is reported as skipped, like a reject.

    Articles are coded a hundred at a time, each hundred in a memory zone closed before its
    results are handed on, so coding a large input does not grow with it.
    """
    articles = _articles(args.paths, args.date, counts, coder.limits)
    while chunk := list(itertools.islice(articles, _ZONE_ARTICLES)):
        with coder.memory_zone():
            results = list(code_within_limits(coder, chunk))
        yield from _reported(results, counts)


def _reported(results: list[tuple[Article, list[EventRecord] | LimitExceeded]],
              counts: dict[str, int]) -> Iterator[tuple[Article, list[EventRecord]]]:
    """The coded articles of `results`; one over a limit is reported as skipped instead."""
    for article, result in results:
        if isinstance(result, LimitExceeded):
            counts["read"] -= 1
            counts["rejected"] += 1
            place = Reject(article.source_file or article.id, article.position or "", str(result))
            _err.print(f"[yellow]skipped[/] {place}")
        else:
            yield article, result


def _print_table(console: Console, events: list[EventRecord]) -> None:
    table = Table("doc", "s#", "CAMEO", "PLOVER", "source", "target", "trigger", "evidence",
                  "modality", "date")
    for event in events:
        table.add_row(
            event.doc_id, str(event.sentence_index), event.cameo_code, event.event or "",
            ",".join(a.cameo for a in event.actor), ",".join(r.cameo for r in event.recipient),
            event.event_text, event.evidence, event.modality, event.date or "",
        )
    console.print(table)


def _run_code(args: argparse.Namespace) -> int:
    coder = _coder(args, explain=args.explain)
    counts = {"read": 0, "rejected": 0}
    out = Console(highlight=False, soft_wrap=True)
    collected: list[EventRecord] = []
    for _article, events in _code_all(args, coder, counts):
        if args.format == "jsonl":
            for event in events:
                print(json.dumps(event.to_dict(), ensure_ascii=False))
                if args.explain:
                    for line in event.explain:
                        _err.print(f"  [dim]{event.id}[/] {line}")
        else:
            collected.extend(events)
    if args.format == "table":
        _print_table(out, collected)
    _err.print(f"{counts['read']} document(s) coded, {counts['rejected']} skipped")
    return EXIT_OK if counts["read"] else EXIT_NOTHING_READ


def _run_eval(args: argparse.Namespace) -> int:
    try:
        gold = read_gold(args.gold)
    except (OSError, ValueError) as exc:
        _err.print(f"[red]error[/] {exc}")
        return EXIT_USAGE
    coder = _coder(args)
    counts = {"read": 0, "rejected": 0}
    records = [e for _article, events in _code_all(args, coder, counts) for e in events]
    if not counts["read"]:
        _err.print("[red]error[/] no document could be read")
        return EXIT_NOTHING_READ
    result = score(gold, records)
    print(json.dumps(result.to_dict(), indent=2))
    return EXIT_OK


def _run_eval_plover(args: argparse.Namespace) -> int:
    """Code each gold sentence alone and print the per-type table and the JSON figures."""
    from tacitus.evaluate.plover_gsr import evaluate_plover_gsr

    try:
        report = evaluate_plover_gsr(args.gold, _coder(args))
    except (OSError, ValueError) as exc:
        _err.print(f"[red]error[/] {exc}")
        return EXIT_USAGE
    Console(highlight=False).print(report.to_table())
    print(json.dumps(report.to_dict(), indent=2))
    return EXIT_OK


def _factory(args: argparse.Namespace) -> functools.partial[Coder]:
    """A picklable coder factory: each worker process builds its own coder once."""
    options = CoderOptions(keep_modal=args.keep_modal)
    return functools.partial(build_coder, tuple(args.dictionary),
                             not args.no_default_dictionaries, None, options, _limits(args))


def _reader(args: argparse.Namespace) -> functools.partial[Iterator[Article | Reject]]:
    """The ingest's reader, holding the limits given as options; the ingest checks the
    language itself, where it codes (tacitus.ingest)."""
    return functools.partial(read_paths, limits=_limits(args), language_check=False)


def _run_ingest(args: argparse.Namespace) -> int:
    from tacitus.ingest import ingest
    from tacitus.store import StoreBusy

    on_dask = args.dask is not None or args.dask_local is not None
    if on_dask and (args.workers != 1 or (args.dask_local is not None and args.dask_local < 1)):
        _err.print("[red]error[/] with Dask the cluster's workers code: give --dask-local N "
                   "(N >= 1) or --dask ADDRESS, not --workers")
        return EXIT_USAGE
    failures: tuple[type[Exception], ...] = ()
    if on_dask:
        from tacitus.scale import ScaleError

        failures += (ScaleError,)
    try:
        if on_dask:
            summary = _ingest_on_dask(args)
        else:
            summary = ingest(args.paths, args.db, workers=args.workers,
                             coder_factory=_factory(args), date_from=args.date_from,
                             date_to=args.date_to, progress=True, reader=_reader(args))
    except StoreBusy as exc:
        _err.print(f"[red]busy[/] {exc}")
        return EXIT_BUSY
    except failures as exc:
        _err.print(f"[red]error[/] {exc}")
        return EXIT_USAGE
    _err.print(
        f"{summary.coded} document(s) coded, {summary.skipped} already stored, "
        f"{summary.rejected} rejected (see the rejects table), {summary.events} event "
        f"mention(s), {summary.dedup_events} deduplicated event(s) in {summary.seconds:.1f} s"
    )
    return EXIT_OK if summary.read or summary.skipped else EXIT_NOTHING_READ


def _ingest_on_dask(args: argparse.Namespace) -> IngestSummary:
    """`ingest --dask`/`--dask-local`: the same run, coded by a Dask cluster's workers."""
    from tacitus.scale import dask_client, ingest_on_dask

    with dask_client(args.dask, args.dask_local) as client:
        summary = ingest_on_dask(args.paths, args.db, client, shard_dir=args.shards,
                                 coder_factory=_factory(args), date_from=args.date_from,
                                 date_to=args.date_to, keep_shards=args.keep_shards,
                                 reader=_reader(args))
    _err.print(f"{summary.partitions} partition(s) coded on Dask, {summary.resumed} of them "
               "found already coded in shards left by an unfinished run")
    return summary


def _run_recode(args: argparse.Namespace) -> int:
    from tacitus.ingest import recode
    from tacitus.store import StoreBusy

    try:
        summary = recode(args.db, _factory(args), workers=args.workers)
    except StoreBusy as exc:
        _err.print(f"[red]busy[/] {exc}")
        return EXIT_BUSY
    _err.print(f"{summary.articles} article(s) re-coded: {summary.events} event mention(s), "
               f"{summary.dedup_events} deduplicated event(s) in {summary.seconds:.1f} s")
    return EXIT_OK


def _run_export(args: argparse.Namespace) -> int:
    from tacitus.export import ExportFilters, ExportPathError, export

    filters = ExportFilters(date_from=args.date_from, date_to=args.date_to,
                            country=args.country, plover_type=args.plover_type,
                            cameo_prefix=args.cameo_prefix)
    try:
        result = export(args.db, args.format, args.out, filters)
    except ExportPathError as exc:
        _err.print(f"[red]error[/] {exc}")
        return EXIT_USAGE
    _err.print(f"{result.rows} row(s) written to {result.path}")
    return EXIT_OK


def _run_demo(args: argparse.Namespace) -> int:
    from tacitus.cli.demo import run_demo

    return run_demo(args.db)


_COMMANDS = {
    "code": _run_code,
    "eval": _run_eval,
    "ingest": _run_ingest,
    "recode": _run_recode,
    "export": _run_export,
    "demo": _run_demo,
    "eval-plover": _run_eval_plover,
    "serve": run_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except DictionaryError as exc:
        _err.print(f"[red]dictionary error[/] {exc}")
        return EXIT_USAGE
    except BadLimit as exc:
        _err.print(f"[red]error[/] {exc}")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
