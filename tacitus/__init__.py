"""Tacitus: political event data (CAMEO and PLOVER) from news text, traceable to the sentence."""

__version__ = "0.1.0"
