"""Keeping a long run's memory flat under glibc's allocator.

A run opens and closes the database for every batch (`RunStore`), and each opening starts
DuckDB's worker threads afresh. glibc gives a new thread a malloc arena of its own, up to
eight per core, and memory freed into an arena stays with the process. Over thousands of
sessions the run's resident memory crept up with the number of batches written, although
nothing was kept. Measured with the real coder on the benchmark's corpus of 10,000 documents
and two workers, the run process's resident memory after closing the database was 156 MiB
after 40 sessions and 166 MiB after 200 (the end of the corpus); with the arenas capped at
two it was 151 MiB and 153 MiB.

The cap is set with `mallopt`, which affects the whole process, so only long runs set it
(`RunStore`), and only where the C library is glibc; elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform

#: glibc's `M_ARENA_MAX` parameter number (malloc.h).
_M_ARENA_MAX = -8
#: Arenas a run's process may have: DuckDB's threads share them instead of each keeping one.
RUN_ARENAS = 2


def cap_malloc_arenas(arenas: int = RUN_ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process; False where the C library is not glibc."""
    if platform.libc_ver()[0] != "glibc":
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name)
    return bool(libc.mallopt(_M_ARENA_MAX, arenas))
