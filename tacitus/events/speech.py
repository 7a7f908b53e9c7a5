"""Reported speech: who claims an event, when the reporter does not assert it.

An event in the complement of a verb of saying ("Fares said government forces had been killing
civilians") or inside quotation marks attributed to a speaker is coded with
`evidence="claimed"` and the speaker as `claimed_by`; the speech act itself is coded as the
speaker's own event by its verb's patterns.
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Token

from tacitus.language import language_data

_REPORT_LINKS = frozenset({"ccomp", "xcomp", "parataxis", "advcl"})
_QUOTES = {'"', "“", "”", "«", "»", "„", "‟"}
_QUOTE_MARK = re.compile("[" + re.escape("".join(sorted(_QUOTES))) + "]")


@cache
def speech_verbs() -> frozenset[str]:
    return frozenset(language_data("speech")["speech_verbs"])


def is_speech_verb(token: Token) -> bool:
    return token.lemma_.lower() in speech_verbs() and token.pos_ in ("VERB", "AUX")


def governing_speech_verb(predicate: Token) -> Token | None:
    """The nearest verb of saying whose complement contains the predicate, if any.

    Walks up through clause links ("Iran said Israel attacked": attacked -> said) and stops at
    the first verb of saying; conjoined verbs are passed through, not taken as governors.
    """
    token = predicate
    while token.head.i != token.i:  # spaCy makes a new Token per access: compare .i
        head = token.head
        if token.dep_ in _REPORT_LINKS and is_speech_verb(head):
            return head
        token = head
    if predicate.dep_ == "ROOT":
        return next((c for c in predicate.children
                     if c.dep_ == "parataxis" and is_speech_verb(c)), None)
    return None


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of quoted passages (straight or curly quotes, paired in order)."""
    spans: list[tuple[int, int]] = []
    opening: int | None = None
    for mark in _QUOTE_MARK.finditer(text):
        index, char = mark.start(), mark.group()
        if char in ("“", "«", "„") or (char == '"' and opening is None):
            if opening is None:
                opening = index
        elif opening is not None:
            spans.append((opening, index + 1))
            opening = None
    return spans


def in_quote(token: Token, spans: list[tuple[int, int]]) -> bool:
    return any(start < token.idx < end for start, end in spans)


def quote_speaker_verb(token: Token) -> Token | None:
    """For a quoted sentence, the verb of saying outside the quote ("..., he said")."""
    sentence = token.sent
    for candidate in sentence:
        if is_speech_verb(candidate) and candidate.dep_ in ("ROOT", "parataxis", "ccomp") \
                and candidate.i != token.i:
            return candidate
    return None
