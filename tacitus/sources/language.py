"""Is a text English? The check that keeps the English model from coding other languages.

It runs once per document, costs a few milliseconds (a large share of what an ingest does
besides coding), and needs nothing but the text, so an ingest runs it where the coding
happens (`tacitus.ingest`, in the local or Dask workers), while readers that feed `tacitus
code` run it themselves (`tacitus.sources.finish`).
"""

from __future__ import annotations

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

# langdetect samples at random; a fixed seed makes the same text always get the same verdict.
DetectorFactory.seed = 0

#: Texts with fewer letters than this are too short for langdetect to judge; they pass.
MIN_LETTERS_FOR_LANGUAGE = 40
#: A text is English enough when langdetect gives English at least this probability. Short
#: headlines full of names split their vote between languages, so "top guess" alone is too harsh.
MIN_ENGLISH_PROBABILITY = 0.2


def detect_language(text: str) -> str | None:
    """The language to reject `text` for, or `None` when it is (or may be) English."""
    if sum(char.isalpha() for char in text) < MIN_LETTERS_FOR_LANGUAGE:
        return None
    try:
        guesses = detect_langs(text)
    except LangDetectException:
        return None
    english = sum(guess.prob for guess in guesses if guess.lang == "en")
    if english >= MIN_ENGLISH_PROBABILITY or not guesses:
        return None
    return str(guesses[0].lang)
