"""Pausing Python's cyclic garbage collector while sessions are built.

Expanding thousands of permanences allocates hundreds of thousands of :class:`Occurrence` values.
Each is tracked by the cyclic collector, which runs every few hundred allocations and, as the
tracked objects pile up, scans them again and again: on 10,000 permanences over a year, more time
went into those scans than into the expansion's own growth. Occurrences hold no reference cycles
(datetimes, strings, tuples and a shared place), so pausing the collector while they are built
frees nothing late; reference counting still frees everything else at once.

The pause is process-wide but brief, and the collector's previous state is restored even when the
expansion fails (a caller that disabled it keeps it disabled).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector for the duration of the block, then restore it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
