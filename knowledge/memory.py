"""Memory given back to the system when a large array is freed.

glibc's malloc raises its mmap threshold to the size of the largest mapped block it has seen freed, so after the
first of them every later array up to that size comes from its heap, where a freed one stays in the process: an
index build of 100.000 records (arrays of tens of MB, made and dropped in turn) would keep ~70 MB it no longer
uses. A fixed threshold keeps each large block a mapping of its own, unmapped when freed."""
from __future__ import annotations

from functools import cache

LARGE_BLOCK = 256 * 1024  # bytes: a block this large is mapped on its own (glibc's own starting value is 128 KB)
M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


@cache
def map_large_blocks() -> bool:
    """Fix the threshold, once per process; False where the C library is not glibc (nothing is changed)."""
    import ctypes
    try:
        return bool(ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK))  # (the C library the process runs on)
    except (OSError, AttributeError):
        return False
