"""Load the small language-data files under `tacitus/data/language/` once per process."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def language_data(name: str) -> dict[str, Any]:
    """Parsed `tacitus/data/language/<name>.yaml` (cached: read once per process)."""
    folder = resources.files("tacitus.data").joinpath("language")
    text = folder.joinpath(f"{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"tacitus/data/language/{name}.yaml must hold a mapping")
    return data


@cache
def word_set(name: str) -> frozenset[str]:
    """One closed word class from `tacitus/data/language/words.yaml` (cached)."""
    return frozenset(language_data("words")[name])
