"""How a dictionary phrase is split into words, shared by every dictionary reader.

Phrases must split the way spaCy tokenises text, or entries never match: spaCy splits an infix
hyphen between letters into its own token ("al-Assad" -> "al", "-", "Assad"), so we do too.
PETRARCH writes multi-word phrases with underscores ("UNITED_STATES"); Tacitus YAML uses spaces.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s_]+")
_INFIX_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W\d_])")


def phrase_words(phrase: str, keep_case: bool = False) -> tuple[str, ...]:
    """Split a phrase into upper-case words as spaCy would tokenise it (as written when
    `keep_case`, for readers that need to know which words are capitalised)."""
    words: list[str] = []
    for chunk in _SEPARATORS.split(phrase.strip()):
        if not chunk:
            continue
        if chunk.upper().endswith("'S") and len(chunk) > 2:
            chunk_words = [chunk[:-2], chunk[-2:]]  # spaCy splits "People's" into two
        else:
            chunk_words = [chunk]
        for piece in chunk_words:
            _add_piece(words, piece, keep_case)
    return tuple(words)


def _add_piece(words: list[str], chunk: str, keep_case: bool = False) -> None:
    """Append one whitespace-free chunk, split at infix hyphens like spaCy."""
    for index, part in enumerate(_INFIX_HYPHEN.split(chunk)):
        if index:
            words.append("-")
        if part:
            words.append(part if keep_case else part.upper())
