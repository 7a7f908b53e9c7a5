"""Read PETRARCH's dictionary files as they are, into Tacitus's dictionary model.

Users have years of work in PETRARCH dictionaries (verbs in the CAMEO.2.0 style, Phoenix actor
and agent lists, discard lists); Tacitus reads them without conversion so that the same files
code the same way here. Each reader is forgiving about layout (tabs, stray spaces, trailing
comments) but strict about what it cannot interpret: such a line raises `DictionaryError`
naming the file and line, rather than being skipped silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from tacitus.dictionaries.errors import DictionaryError
from tacitus.dictionaries.model import (
    ActorEntry,
    AgentEntry,
    Alternatives,
    DatedCode,
    Dictionaries,
    Discard,
    Element,
    Pattern,
    Phrase,
    PredicateEntry,
    PrepPhrase,
    Slot,
    Word,
)
from tacitus.dictionaries.words import phrase_words

_CODE = re.compile(r"\[([^\]]*)\]")
_BLOCK = re.compile(r"^-{3}\s*(.+?)\s*(\[[^\]]*\])?\s*-{3}")
_HTML_COMMENT = re.compile(r"<!?\s*--.*?-->", re.S)


def _strip_comment(line: str) -> str:
    """Drop a `#` comment, but not a `#` inside a code such as `[###]`."""
    depth = 0
    for index, char in enumerate(line):
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif char == "#" and depth == 0:
            return line[:index].rstrip()
    return line.rstrip()


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Numbered lines with `#` comments and HTML-style comment blocks removed."""
    text = path.read_text(encoding="utf-8", errors="replace")
    text = _HTML_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    for number, raw in enumerate(text.splitlines(), start=1):
        yield number, _strip_comment(raw)


# ---------------------------------------------------------------------------- verbs


def _word(token: str) -> Word:
    exact = token.endswith("_")
    return Word(token.rstrip("_").upper(), exact=exact)


def _member_words(member: str) -> tuple[Word, ...]:
    """A synset member as words split like spaCy ("no-fly zone"); a trailing `_` makes the
    last word exact."""
    exact = member.endswith("_")
    words = phrase_words(member.rstrip("_"))
    return tuple(Word(w, exact=exact and i == len(words) - 1) for i, w in enumerate(words))


class PatternParser:
    """Parse the words around `*` in a pattern line into elements."""

    def __init__(self, synsets: dict[str, list[str]], where: str) -> None:
        self.synsets = synsets
        self.where = where

    def synset(self, name: str, seen: frozenset[str] = frozenset()) -> Alternatives:
        if name not in self.synsets:
            # PETRARCH files refer to synsets they never define; such a pattern cannot match,
            # which is what PETRARCH does with it too.
            return Alternatives(name, ())
        if name in seen:
            raise DictionaryError(f"{self.where}: synset &{name} includes itself")
        options: list[tuple[Word, ...]] = []
        for member in self.synsets[name]:
            member = member.strip().strip("()").strip()
            if member.startswith("&"):
                options.extend(self.synset(member[1:], seen | {name}).options)
            else:
                options.append(_member_words(member))
        return Alternatives(name, tuple(option for option in options if option))

    def parse(self, tokens: list[str]) -> tuple[Element, ...]:
        elements, rest = self._sequence(tokens, closer=None)
        if rest:
            raise DictionaryError(f"{self.where}: unbalanced brackets in pattern")
        return tuple(elements)

    def _sequence(self, tokens: list[str], closer: str | None) -> tuple[list[Element], list[str]]:
        elements: list[Element] = []
        while tokens:
            token = tokens.pop(0)
            if token == closer:
                return elements, tokens
            if token in ("(", "{"):
                inner, tokens = self._sequence(tokens, ")" if token == "(" else "}")
                group = PrepPhrase(tuple(inner)) if token == "(" else Phrase(tuple(inner))
                elements.append(group)
            elif token in ("$", "+", "^", "%"):
                elements.append(Slot(token))  # type: ignore[arg-type]
            elif token.startswith("&"):
                elements.append(self.synset(token[1:].rstrip("_")))
            elif token in (")", "}"):
                raise DictionaryError(f"{self.where}: unexpected {token!r} in pattern")
            else:
                elements.extend(_word(w) for w in phrase_words(token))
        if closer is not None:
            raise DictionaryError(f"{self.where}: missing {closer!r} in pattern")
        return elements, tokens


def split_code(raw: str) -> tuple[str, str | None]:
    code = raw.strip()
    if ":" in code:
        first, second = code.split(":", 1)
        return first.strip(), second.strip() or None
    return code, None


def tokenize_pattern(body: str) -> list[str]:
    """Split a pattern body; `*` and slots may be glued to words (`IN_*`, `*_BY_$`)."""
    tokens = re.findall(r"[(){}*$%^]|[^\s(){}*$%^]+", body)
    cleaned = [t.lstrip("_") if t not in ("_",) else "" for t in tokens]
    return [t for t in cleaned if t]


def _verb_forms(text: str) -> tuple[str, tuple[str, ...]]:
    """`SAY {SAYS SAID}` -> ("SAY", ("SAYS", "SAID"))."""
    forms = re.search(r"\{([^}]*)\}", text)
    head = text[: forms.start()] if forms else text
    extra = tuple(f.upper() for f in forms.group(1).split()) if forms else ()
    return head.strip().upper(), extra


def multiword(head: str, where: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """`+BREAK_DOWN` -> (BREAK, (), (DOWN,)); `WIRE_+TAP` -> (TAP, (WIRE,), ())."""
    words = [w for w in head.split("_") if w]
    marked = [i for i, w in enumerate(words) if w.startswith("+")]
    index = marked[0] if marked else 0
    if not words:
        raise DictionaryError(f"{where}: empty verb")
    lemma = words[index].lstrip("+")
    before = tuple(w.lstrip("+") for w in words[:index])
    after = tuple(w.lstrip("+") for w in words[index + 1 :])
    return lemma, before, after


def regular_forms(verb: str) -> tuple[str, ...]:
    """PETRARCH's regular inflections of a verb with no `{forms}` list.

    Deliberately naive, as PETRARCH's are: a misspelling such as "departes" is not a form.
    """
    third = verb + "ES" if re.search(r"(S|X|Z|CH|SH)$", verb) else verb + "S"
    past = verb + "D" if verb.endswith("E") else verb + "ED"
    gerund = verb[:-1] + "ING" if verb.endswith("E") else verb + "ING"
    return (third, past, gerund)


def read_verbs(path: Path) -> Dictionaries:
    """Read a CAMEO.2.0-style verb dictionary (synsets, verb blocks, patterns)."""
    name = path.name
    synsets: dict[str, list[str]] = {}
    lines = list(_lines(path))
    current: str | None = None
    for _number, line in lines:
        stripped = line.strip()
        if stripped.startswith("&"):
            current = stripped[1:].split()[0].rstrip("_") if stripped[1:].split() else None
            if current:
                synsets.setdefault(current, [])
        elif current and stripped.startswith("+"):
            synsets[current].append(stripped[1:])
        elif not stripped or stripped.startswith("---"):
            current = None if stripped.startswith("---") else current
    result = Dictionaries(sources=[str(path)])
    block_code = "---"
    block_paired: str | None = None
    block_verbs: list[PredicateEntry] = []
    in_synsets = True
    for number, line in lines:
        stripped = line.strip()
        where = f"{name}:{number}"
        if not stripped:
            continue
        if stripped.startswith("~"):
            continue  # transformations: recorded by PETRARCH for post-processing, not coding
        block = _BLOCK.match(stripped)
        if block:
            in_synsets = False
            code = block.group(2)
            block_code, block_paired = split_code(code[1:-1]) if code else ("---", None)
            block_verbs = []
            continue
        if in_synsets:
            continue
        if stripped.startswith("-") or stripped.startswith("*"):
            body = stripped.lstrip("-").strip()
            code_match = _CODE.search(body)
            if not code_match:
                result.warnings.append(f"{where}: pattern without [code], skipped")
                continue
            code, paired = split_code(code_match.group(1))
            tokens = tokenize_pattern(body[: code_match.start()])
            if "*" not in tokens:
                result.warnings.append(f"{where}: pattern without '*', skipped")
                continue
            star = tokens.index("*")
            parser = PatternParser(synsets, where)
            try:
                before = list(parser.parse(tokens[:star]))
                after = parser.parse(tokens[star + 1 :])
            except DictionaryError as exc:
                result.warnings.append(f"{exc}, skipped")
                continue
            reciprocal = any(isinstance(e, Slot) and e.kind == "%" for e in before)
            pattern = Pattern(
                before=tuple(before),
                after=after,
                code=code,
                paired=paired,
                rule=where,
                reciprocal=reciprocal,
            )
            for verb in block_verbs:
                verb.patterns.append(pattern)
            continue
        # A verb line: WORD {FORMS} [code] or a multi-word +GO_BY {...}
        code_match = _CODE.search(stripped)
        text = stripped[: code_match.start()] if code_match else stripped
        head, forms = _verb_forms(text)
        if not head:
            continue
        lemma, before_words, after_words = multiword(head, where)
        code, paired = split_code(code_match.group(1)) if code_match else (block_code, None)
        extra_forms = tuple(multiword(f, where)[0] for f in forms) if forms else \
            regular_forms(lemma)
        entry = PredicateEntry(
            lemma=lemma,
            code=code,
            paired=paired if code_match else block_paired,
            origin=where,
            forms=extra_forms,
            before=before_words,
            after=after_words,
            by_lemma=False,
        )
        if block_verbs and block_verbs[0].patterns:
            # a verb listed after patterns shares the block's patterns
            entry.patterns.extend(block_verbs[0].patterns)
        block_verbs.append(entry)
        result.predicates.append(entry)
    return result


# --------------------------------------------------------------------------- actors

_DATED = re.compile(r"^\s*([^\s<>]+)?\s*(?:([<>])\s*(\d{6,8})|(\d{6,8})\s*-\s*(\d{6,8}))?\s*$")


def _date(raw: str, where: str) -> dt.date:
    try:
        if len(raw) == 6:
            year = int(raw[:2])
            year += 2000 if year <= 30 else 1900
            return dt.date(year, int(raw[2:4]), int(raw[4:6]))
        return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError as exc:
        raise DictionaryError(f"{where}: bad date {raw!r}") from exc


def _dated_code(raw: str, where: str, default: str | None) -> DatedCode:
    match = _DATED.match(raw)
    if not match:
        raise DictionaryError(f"{where}: cannot read actor code {raw!r}")
    code, direction, single, first, last = match.groups()
    code = (code or default or "").upper()
    if not code:
        raise DictionaryError(f"{where}: dated entry without a code: {raw!r}")
    if direction == "<":
        return DatedCode(code, None, _date(single, where))
    if direction == ">":
        return DatedCode(code, _date(single, where), None)
    if first:
        return DatedCode(code, _date(first, where), _date(last, where))
    return DatedCode(code)


def _shorten_touching_ranges(codes: list[DatedCode]) -> None:
    """A range that ends on the day another code starts gives way on that day."""
    starts = {c.start for c in codes if c.start}
    for index, dated in enumerate(codes):
        if dated.start and dated.end and dated.end in starts and dated.end != dated.start:
            codes[index] = DatedCode(dated.code, dated.start, dated.end - dt.timedelta(days=1))


def read_actors(path: Path) -> Dictionaries:
    """Read a PETRARCH actor dictionary: names, `+` synonyms and dated code lines."""
    result = Dictionaries(sources=[str(path)])
    names: list[tuple[str, str]] = []
    codes: list[DatedCode] = []

    def flush() -> None:
        _shorten_touching_ranges(codes)
        if names and codes:
            for phrase, where in names:
                exact = phrase.endswith("_")
                words = phrase_words(phrase.rstrip("_"))
                if words:
                    result.actors.append(ActorEntry(words, tuple(codes), where, exact=exact))
        names.clear()
        codes.clear()

    for number, line in _lines(path):
        where = f"{path.name}:{number}"
        if not line.strip():
            continue
        indented = line[:1] in ("\t", " ")
        stripped = line.strip()
        if not (indented and stripped.startswith("[")):
            if not stripped.startswith("+"):
                flush()
            names.append((stripped.lstrip("+").split("[")[0].strip(), where))
        for raw in _CODE.findall(stripped):
            try:
                codes.append(_dated_code(raw, where, None))
            except DictionaryError as exc:
                result.warnings.append(f"{exc}, skipped")
    flush()
    return result


# --------------------------------------------------------------------------- agents

_MACRO = re.compile(r"^(![A-Z]+!)\s*=\s*(.+)$")


def _plural(word: str) -> str:
    if re.search(r"[^AEIOU]Y$", word):
        return word[:-1] + "IES"
    if re.search(r"(S|X|Z|CH|SH)$", word):
        return word + "ES"
    return word + "S"


def read_agents(path: Path) -> Dictionaries:
    """Read a PETRARCH agent dictionary: role nouns with `[~AGT]` or `[AGT~]` codes."""
    result = Dictionaries(sources=[str(path)])
    macros: dict[str, list[str]] = {}
    for number, line in _lines(path):
        where = f"{path.name}:{number}"
        stripped = line.strip()
        if not stripped:
            continue
        macro = _MACRO.match(stripped)
        if macro:
            macros[macro.group(1)] = [w.strip().upper() for w in macro.group(2).split(",")]
            continue
        code_match = _CODE.search(stripped)
        if not code_match:
            result.warnings.append(f"{where}: agent without [code], skipped")
            continue
        raw_code = code_match.group(1).replace(" ", "")
        prefix = raw_code.endswith("~")
        code = raw_code.strip("~").upper()
        head = stripped[: code_match.start()]
        plurals = re.search(r"\{([^}]*)\}", head)
        phrase = (head[: plurals.start()] if plurals else head).strip().upper()
        forms = [phrase]
        if plurals is None:
            forms.append(_plural(phrase))
        else:
            forms.extend(p.upper() for p in plurals.group(1).split())
        for form in _expand_macros(forms, macros):
            words = phrase_words(form)
            if words:
                result.agents.append(AgentEntry(words, code, where, prefix=prefix))
    return result


def _expand_macros(forms: list[str], macros: dict[str, list[str]]) -> list[str]:
    expanded: list[str] = []
    for form in forms:
        found = re.search(r"![A-Z]+!", form)
        if found and found.group(0) in macros:
            for value in macros[found.group(0)]:
                expanded.extend(
                    _expand_macros([form.replace(found.group(0), value, 1)], macros)
                )
        else:
            expanded.append(form)
    return expanded


# ------------------------------------------------------------------------- discards


def read_discards(path: Path) -> Dictionaries:
    """Read a discard list: `+PHRASE` discards the story, `PHRASE` the sentence."""
    result = Dictionaries(sources=[str(path)])
    for number, line in _lines(path):
        stripped = line.strip()
        if not stripped:
            continue
        story = stripped.startswith("+")
        words = phrase_words(stripped.lstrip("+").strip())
        if words:
            result.discards.append(Discard(words, story, f"{path.name}:{number}"))
    return result


# ------------------------------------------------------------------------- ontology

_ONTOLOGY_LINE = re.compile(r"^\s*(\d{2,4}[A-Za-z]?)\s*:\s*([-+0-9A-Fa-fx\s]+)")
_HEX_TERM = re.compile(r"([-+]?)\s*0x([0-9A-Fa-f]+)")


def read_ontology(path: Path) -> Dictionaries:
    """Read PETRARCH's internal coding ontology: each CAMEO code as a number.

    PETRARCH negates a code by subtracting 0xFFFF from that number and combines a verb with
    the verb it governs by adding numbers; `tacitus.events.ontology` does the arithmetic.
    """
    result = Dictionaries(sources=[str(path)])
    for number, line in _lines(path):
        match = _ONTOLOGY_LINE.match(line)
        if not match:
            continue
        terms = _HEX_TERM.findall(match.group(2))
        if not terms:
            result.warnings.append(f"{path.name}:{number}: no value, skipped")
            continue
        value = sum((-1 if sign == "-" else 1) * int(digits, 16) for sign, digits in terms)
        result.ontology[match.group(1)] = value
    return result


# ------------------------------------------------------------------------ detection


def detect_kind(path: Path) -> str:
    """Tell a verb, actor, agent or discard file apart by its content, not its name."""
    text = path.read_text(encoding="utf-8", errors="replace")
    body = "\n".join(_strip_comment(line) for line in text.splitlines())
    if "<ISSUE" in body.upper() or "preposition" in path.name.lower():
        raise DictionaryError(f"{path}: issue and preposition lists are not coding dictionaries")
    if re.search(r"^\s*-{3}.*-{3}\s*$", body, re.M):
        return "verbs"
    if len(re.findall(r"^\s*\d{2,4}[A-Za-z]?\s*:\s*[-+]?\s*0x", body, re.M)) > 10:
        return "ontology"
    if re.search(r"\[\s*~|~\s*\]", body):
        return "agents"
    if "[" not in body:
        return "discards"
    return "actors"


_READERS = {
    "verbs": read_verbs,
    "actors": read_actors,
    "agents": read_agents,
    "discards": read_discards,
    "ontology": read_ontology,
}


def read_petrarch(path: Path) -> Dictionaries:
    """Read any PETRARCH dictionary file, detecting which kind it is."""
    return _READERS[detect_kind(path)](path)
