"""Fuzzing: generated hostile inputs for the readers and the coder (`python -m fuzz.campaign`)."""
