"""Parsing with spaCy: one place loads the model, so every stage shares it."""

from tacitus.nlp.pipeline import load_nlp, parse

__all__ = ["load_nlp", "parse"]
