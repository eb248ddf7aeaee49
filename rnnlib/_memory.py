"""Keep freed memory for the next update instead of handing it back to the operating system
(ARCHITECTURE.md, "Speed").

Every update of ``rnnlib.fit`` forms arrays of a few MB (the states of every
step, f'(a_t), the terms of the products) and frees them again. On Linux,
glibc's ``malloc`` returns such blocks to the kernel when they are freed and
asks for them again at the next update; the kernel must then zero every 4 KB
page on first touch. Measured on the book's 2-core machine, that page-fault
work was about 40% of chapter 03's run time (16.5 s -> 10.2 s without it, the
script of the chapter) and 1.7 million page faults per run.

So, on Linux with glibc, importing rnnlib raises two of malloc's thresholds once
(``mallopt``): blocks up to 32 MiB come from the heap rather than fresh
mappings, and up to 64 MiB of freed heap is kept for re-use. Nothing else
changes: the same arrays hold the same numbers. Set the environment variable
``RNNLIB_MALLOC=default`` before starting Python to leave malloc as it is. On
other systems this does nothing.
"""

import ctypes
import os

# from glibc's <malloc.h>
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # blocks below this come from the heap (glibc's largest allowed value)
TRIM_THRESHOLD = 64 << 20  # freed heap kept for re-use before any is returned to the kernel


ACTIVE = False  # whether keep_freed_memory() has raised the thresholds in this process


def keep_freed_memory():
    """Raise glibc malloc's mmap and trim thresholds (``rnnlib/__init__.py`` calls it once); sets
    ``ACTIVE``.

    Returns True if it did: Linux with glibc, and ``RNNLIB_MALLOC`` is not "default".
    """
    global ACTIVE
    if os.environ.get("RNNLIB_MALLOC") == "default":
        return False
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return False
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, ValueError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    ACTIVE = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
    return ACTIVE
