"""Limits on what one document may cost, so that one pathological input cannot stall a run.

Scraped text holds things no newsroom writes: a 100,000-character "sentence" of minified
script, a list of 5,000 names joined by "and", a 50 MB page, a gzip bomb. spaCy's time and
memory grow with a text's length, and parts of the coder grow faster than linearly with a
sentence's length (a 12,000-token sentence did not finish in five minutes), so:

* readers refuse to hold more than `max_document_bytes` of one document (a file, a JSON
  line, a CSV field, a crawl record) or `max_file_bytes` of a file they must read whole;
* the coder refuses a text over `max_document_chars` or (counting words and punctuation
  marks, as spaCy's tokens roughly are) `max_document_tokens`, with a stretch of more than
  `max_sentence_chars` between sentence ends, or with a "word" (a run without white space)
  of more than `max_word_chars`, *before* spaCy sees it: spaCy's tokenizer splits the
  punctuation off such a run one character at a time, in time that grows with the square of
  its length (4,500 opening brackets took 3.6 s);
* after parsing, it refuses a sentence of more than `max_sentence_tokens` tokens, and stops
  a document whose coding takes more than `max_seconds_per_document` (checked between
  sentences: a cooperative deadline is safe in any thread, where `signal.alarm` works only
  in a process's main thread and Dask runs tasks in threads).

A document over a limit is rejected whole (one `rejects` row whose reason names the limit,
the figure found and how to raise it) rather than coded in part, so that no event set is
silently incomplete; it is not stored, so a later run with a higher limit codes it.

Every limit can be set by an environment variable (`TACITUS_` and the field name in capitals,
e.g. `TACITUS_MAX_SENTENCE_TOKENS=600`) or the command-line flag of the same name
(`--max-sentence-tokens 600`).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from tacitus.records import Article, EventRecord

ENV_PREFIX = "TACITUS_"


class LimitExceeded(ValueError):
    """The coder refuses a document: it breaks a limit, or is not text spaCy can take (lone
    surrogates). The message is the rejection reason, naming the limit."""


class BadLimit(ValueError):
    """A limit set to something unusable (zero, negative, not a number); says which."""


@dataclass(frozen=True)
class Limits:
    """How much one document may cost; see the module docstring for where each applies."""

    max_document_bytes: int = field(
        default=10 * 2**20,
        metadata={"help": "bytes of one document as read: a file, JSON line, CSV field or "
                  "crawl record (default 10 MiB)"},
    )
    max_file_bytes: int = field(
        default=512 * 2**20,
        metadata={"help": "bytes of a file read whole: a JSON array or a feed (default 512 "
                  "MiB)"},
    )
    max_document_chars: int = field(
        default=200_000,
        metadata={"help": "characters of a document's cleaned text (default 200,000)"},
    )
    max_document_tokens: int = field(
        default=60_000,
        metadata={"help": "words and punctuation marks of a document, counted before parsing "
                  "(default 60,000)"},
    )
    max_sentence_chars: int = field(
        default=5_000,
        metadata={"help": "characters between two sentence ends or line breaks (default "
                  "5,000)"},
    )
    max_word_chars: int = field(
        default=1_000,
        metadata={"help": "characters without white space: a word, a URL (default 1,000)"},
    )
    max_sentence_tokens: int = field(
        default=400, metadata={"help": "tokens of one parsed sentence (default 400)"}
    )
    max_seconds_per_document: float = field(
        default=30.0,
        metadata={"help": "seconds of coding for one document after parsing (default 30)"},
    )

    def __post_init__(self) -> None:
        for item in dataclasses.fields(self):
            if getattr(self, item.name) <= 0:
                raise BadLimit(f"{item.name} must be positive, not {getattr(self, item.name)}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, overridden by any `TACITUS_MAX_...` environment variable."""
        env = os.environ if environ is None else environ
        values: dict[str, float] = {}
        for item in dataclasses.fields(cls):
            name = env_name(item.name)
            if (raw := env.get(name)) is not None:
                values[item.name] = _number(raw, name, item.default)  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]

    def with_changes(self, **changes: float | None) -> Limits:
        """These limits with the given ones replaced (`None` keeps the current value)."""
        given = {name: value for name, value in changes.items() if value is not None}
        return dataclasses.replace(self, **given)  # type: ignore[arg-type]

    def screen(self, text: str) -> str | None:
        """Why `text` must not be parsed, or `None`: the checks made before spaCy runs.

        Besides the size limits: a lone UTF-16 surrogate (from a JSON escape such as
        "\\ud800") makes spaCy fail, and it has no right reading, so such text is refused
        (the readers turn them into U+FFFD; callers of the coder should do the same).
        """
        if surrogate := _SURROGATE.search(text):
            return (f"not Unicode text: a lone surrogate ({surrogate[0]!a}) at character"
                    f" {surrogate.start():,}")
        if len(text) > self.max_document_chars:
            return exceeded(
                f"document too large: {len(text):,} characters", "max_document_chars", self
            )
        tokens = sum(1 for _ in _TOKENISH.finditer(text))
        if tokens > self.max_document_tokens:
            return exceeded(
                f"document too large: about {tokens:,} words and punctuation marks",
                "max_document_tokens",
                self,
            )
        start, length = longest_stretch(text)
        if length > self.max_sentence_chars:
            return exceeded(
                f"sentence too long: {length:,} characters without a sentence end, from "
                f"character {start:,}",
                "max_sentence_chars",
                self,
            )
        if word := _longer_than(self.max_word_chars).search(text):
            return exceeded(
                f"word too long: {len(word[0]):,} characters without white space, from "
                f"character {word.start():,}",
                "max_word_chars",
                self,
            )
        return None

    def check_sentence(self, tokens: int, index: int) -> None:
        """Raise `LimitExceeded` when a parsed sentence has more tokens than allowed."""
        if tokens > self.max_sentence_tokens:
            raise LimitExceeded(
                exceeded(
                    f"sentence too long: {tokens:,} tokens in sentence {index + 1}",
                    "max_sentence_tokens",
                    self,
                )
            )

    def deadline(self) -> Deadline:
        """A deadline for coding one document, starting now."""
        return Deadline(self)


class Deadline:
    """The time by which a document's coding must be done; `check` between sentences."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.ends = time.monotonic() + limits.max_seconds_per_document

    def check(self, index: int, total: int) -> None:
        """Raise `LimitExceeded` once the time is up; `index` is the sentence about to start."""
        if time.monotonic() > self.ends:
            seconds = self.limits.max_seconds_per_document
            raise LimitExceeded(
                exceeded(
                    f"too slow: coding passed {seconds:g} s before sentence {index + 1} of "
                    f"{total}",
                    "max_seconds_per_document",
                    self.limits,
                )
            )


def env_name(name: str) -> str:
    """The environment variable that sets limit `name`."""
    return ENV_PREFIX + name.upper()


def flag_name(name: str) -> str:
    """The command-line flag that sets limit `name`."""
    return "--" + name.replace("_", "-")


def exceeded(what: str, name: str, limits: Limits) -> str:
    """A rejection reason: what was found, the limit, and the two ways to raise it."""
    value = getattr(limits, name)
    shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
    return f"{what} (limit {shown}; raise with {flag_name(name)} or {env_name(name)})"


def _number(raw: str, name: str, default: float) -> float:
    try:
        return type(default)(raw)
    except ValueError:
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise BadLimit(f"environment variable {name}={raw!r} is not {kind}") from None


_SURROGATE = re.compile("[\ud800-\udfff]")

#: Where a sentence may end: terminal punctuation (and closing quotes or brackets) before
#: white space, or a line break. Cruder than spaCy's sentences, but never fewer ends for
#: prose, and cheap enough to run on any input before spaCy does.
_SENTENCE_END = re.compile(r"[.!?\u3002][\"'\u201d\u2019)\]]*\s|\n")


#: What spaCy will roughly make a token of: a word, or one punctuation mark. Parsing time grows
#: with tokens, and 200,000 characters of brackets are 200,000 tokens (70 s), where 200,000
#: characters of prose are about 40,000.
_TOKENISH = re.compile(r"\w+|[^\w\s]")


@functools.lru_cache(maxsize=8)
def _longer_than(limit: int) -> re.Pattern[str]:
    """A pattern for a run of more than `limit` characters without white space."""
    return re.compile(rf"\S{{{limit + 1},}}")


def longest_stretch(text: str) -> tuple[int, int]:
    """Start and length of the longest run of text between two sentence ends."""
    best_start, best_length, start = 0, 0, 0
    for end in _SENTENCE_END.finditer(text):
        if end.start() - start > best_length:
            best_start, best_length = start, end.start() - start
        start = end.end()
    if len(text) - start > best_length:
        best_start, best_length = start, len(text) - start
    return best_start, best_length


# --- coding a stream of articles when some break limits -------------------------------------


class BatchCoder(Protocol):
    """The part of a coder that codes many articles at once (tacitus.events.coder.Coder)."""

    def code_articles(
        self, articles: Iterable[Article]
    ) -> Iterator[tuple[Article, list[EventRecord]]]: ...


def code_within_limits(
    coder: BatchCoder, articles: Iterable[Article]
) -> Iterator[tuple[Article, list[EventRecord] | LimitExceeded]]:
    """Each article with its events, or with the limit it broke, in input order.

    A coder's batched `code_articles` is a generator, and a generator that raises is over; the
    article it raised for is the one after the last it yielded, so coding resumes right after
    that one. The articles the coder had pulled ahead (spaCy parses in batches) are kept and
    fed again, so nothing is lost and `articles` may be a stream.
    """
    source = iter(articles)
    waiting: deque[Article] = deque()  # handed back after a limit, to be fed again first
    fed: deque[Article] = deque()  # fed to the coder and not yet yielded by it

    def feed() -> Iterator[Article]:
        while waiting:
            fed.append(waiting.popleft())
            yield fed[-1]
        for article in source:
            fed.append(article)
            yield article

    while True:
        try:
            for article, events in coder.code_articles(feed()):
                fed.popleft()
                yield article, events
            return
        except LimitExceeded as error:
            if not fed:
                raise
            culprit = fed.popleft()
            waiting.extendleft(reversed(fed))
            fed.clear()
            yield culprit, error
