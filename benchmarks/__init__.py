"""Benchmarks: speed and memory measured against a baseline taken in the same run."""
