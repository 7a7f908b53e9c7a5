"""Reading the resolve stage's YAML files: one loader, so every module gets the same checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "resolve"


def load_mapping(name: str) -> dict[str, Any]:
    """Load one data file; fail loudly on a file that is not a mapping, not later on a key."""
    path = DATA_DIR / name
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def str_list(data: dict[str, Any], key: str) -> frozenset[str]:
    """A list of strings from a data file, as a set (these lists are only ever asked 'is x in')."""
    values = data[key]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{key}: expected a list of strings")
    return frozenset(values)


def int_map(data: dict[str, Any], key: str) -> dict[str, int]:
    """A phrase -> number table from a data file, keys lowercased for matching."""
    values = data[key]
    if not isinstance(values, dict) or not all(isinstance(v, int) for v in values.values()):
        raise ValueError(f"{key}: expected a mapping of phrases to integers")
    return {str(k).lower(): int(v) for k, v in values.items()}
