"""Read Tacitus YAML verb and event-noun dictionaries.

A file is a mapping with optional `synsets` (name -> list of words or phrases) and a list of
`predicates`. Each predicate names a `verb` or a `noun` (its lemma; a multi-word predicate
marks its head with `+`, as in "wire +tap", otherwise the first word is the head), a default
`code` ("---" for no event), optional irregular `forms`, and `patterns`, each with `match`
(the pattern grammar PETRARCH users know: words around `*`, `(prep ...)` for a prepositional
phrase, `{a b}` for adjacent words, `&synset`, `$` source, `+` target, `%` reciprocal), its
`code`, an optional `paired` code for the reverse event, and an `example` sentence that the
test suite codes to check the pattern does what it says.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tacitus.dictionaries.errors import DictionaryError
from tacitus.dictionaries.model import Dictionaries, Pattern, PredicateEntry, Slot
from tacitus.dictionaries.petrarch import PatternParser, multiword, split_code, tokenize_pattern


def _code(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise DictionaryError(f"{where}: code must be a quoted string such as \"0231\"")
    return value


def _pattern(raw: Any, parser: PatternParser, where: str) -> Pattern:
    if not isinstance(raw, dict) or "match" not in raw or "code" not in raw:
        raise DictionaryError(f"{where}: a pattern needs `match` and `code`")
    tokens = tokenize_pattern(str(raw["match"]))
    if "*" not in tokens:
        raise DictionaryError(f"{where}: pattern {raw['match']!r} has no '*'")
    star = tokens.index("*")
    before = parser.parse(tokens[:star])
    code, paired = split_code(_code(raw["code"], where))
    return Pattern(
        before=before,
        after=parser.parse(tokens[star + 1 :]),
        code=code,
        paired=raw.get("paired", paired),
        rule=where,
        example=raw.get("example"),
        reciprocal=any(isinstance(e, Slot) and e.kind == "%" for e in before),
    )


def parse_verb_yaml(data: Any, name: str) -> Dictionaries:
    """Build dictionaries from an already-parsed YAML document (`name` is for messages)."""
    if not isinstance(data, dict):
        raise DictionaryError(f"{name}: expected a mapping with `predicates`")
    synsets = {str(k).upper(): [str(v) for v in values]
               for k, values in (data.get("synsets") or {}).items()}
    result = Dictionaries(sources=[name])
    for number, raw in enumerate(data.get("predicates") or [], start=1):
        where = f"{name}#{number}"
        if not isinstance(raw, dict) or not (raw.get("verb") or raw.get("noun")):
            raise DictionaryError(f"{where}: each predicate needs `verb` or `noun`")
        phrase = str(raw.get("verb") or raw.get("noun"))
        words = phrase.split()
        marked = "_".join(words if any(w.startswith("+") for w in words)
                          else ["+" + words[0], *words[1:]])
        lemma, before, after = multiword(marked.upper(), where)
        code, paired = split_code(_code(raw.get("code", "---"), where))
        parser = PatternParser(synsets, where)
        result.predicates.append(PredicateEntry(
            lemma=lemma,
            code=code,
            paired=raw.get("paired", paired),
            origin=where,
            forms=tuple(str(f).upper() for f in raw.get("forms") or ()),
            before=before,
            after=after,
            noun="noun" in raw,
            example=raw.get("example"),
            patterns=[_pattern(p, parser, f"{where}.{i}")
                      for i, p in enumerate(raw.get("patterns") or [], start=1)],
        ))
    return result


def load_verb_yaml(path: Path) -> Dictionaries:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DictionaryError(f"{path}: not valid YAML: {exc}") from exc
    return parse_verb_yaml(data, path.name)


@cache
def load_builtin_verbs() -> Dictionaries:
    """Every verb and noun file under `tacitus/data/verbs/` (read once per process)."""
    result = Dictionaries()
    folder = resources.files("tacitus.data").joinpath("verbs")
    if not folder.is_dir():
        return result
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith((".yaml", ".yml")):
            data = yaml.safe_load(item.read_text(encoding="utf-8"))
            result.merge(parse_verb_yaml(data, f"verbs/{item.name}"))
    return result
