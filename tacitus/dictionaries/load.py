"""Load dictionaries from files, detecting each file's format, beside the built-in ones.

`.yaml`/`.yml` files are Tacitus YAML; anything else is read as a PETRARCH dictionary (verbs,
actors, agents or discards, told apart by content). A directory loads every file in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tacitus.dictionaries.errors import DictionaryError
from tacitus.dictionaries.model import Dictionaries
from tacitus.dictionaries.petrarch import read_petrarch
from tacitus.dictionaries.yaml_actors import load_actor_yaml, load_builtin_actors
from tacitus.dictionaries.yaml_verbs import load_builtin_verbs, load_verb_yaml

YAML_SUFFIXES = (".yaml", ".yml")


def load_file(path: Path) -> Dictionaries:
    """One dictionary file, in whichever format it is."""
    if not path.is_file():
        raise DictionaryError(f"{path}: no such dictionary file")
    if path.suffix.lower() in YAML_SUFFIXES:
        if _is_verb_yaml(path):
            return load_verb_yaml(path)
        return load_actor_yaml(path)
    return read_petrarch(path)


def _is_verb_yaml(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    return any(line.lstrip("- ").startswith(("verb:", "noun:", "synsets:"))
               for line in head.splitlines())


def load_dictionaries(paths: Sequence[Path] = (), use_defaults: bool = True) -> Dictionaries:
    """The built-in dictionaries (unless told not to) plus every given file or directory."""
    result = Dictionaries()
    if use_defaults:
        result.merge(load_builtin_actors())
        result.merge(load_builtin_verbs())
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            result.merge(load_file(file))
    return result
