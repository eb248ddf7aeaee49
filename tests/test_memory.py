"""rnnlib can keep freed memory for re-use, when asked (rnnlib/_memory.py, ARCHITECTURE.md "Speed").

Counted, not timed: the number of page faults while a loop allocates and frees
the kind of array a training update makes (4 MB) 40 times, in a fresh process
with rnnlib imported and ``rnnlib._memory.keep_freed_memory()`` called (opt-in),
with and without ``RNNLIB_MALLOC=default``; and without the call, importing
rnnlib alone leaves malloc as it is.
"""

import json
import os
import subprocess
import sys

import pytest

# each test starts fresh Python processes that import rnnlib
pytestmark = pytest.mark.slow

CHILD = r"""
import json, sys
import numpy as np
import rnnlib, rnnlib._memory as m
try:
    import resource
    def faults():
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
except ImportError:               # Windows has no resource module: faults are counted on glibc only
    def faults():
        return 0
if "--keep" in sys.argv:
    m.keep_freed_memory()         # opt-in: importing rnnlib does not call it
before = faults()
for _ in range(40):
    a = np.ones(1 << 19)          # 4 MB, written to: every page is touched
    b = a * 2.0
    del a, b
after = faults()
print(json.dumps({"active": m.ACTIVE, "faults": after - before}))
"""


def _run(env_extra, keep=True):
    env = {k: v for k, v in os.environ.items() if k != "RNNLIB_MALLOC"}
    env.update(env_extra)
    argv = [sys.executable, "-c", CHILD] + (["--keep"] if keep else [])
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _glibc():
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (AttributeError, ValueError, OSError):
        return False


@pytest.mark.skipif(not _glibc(), reason="malloc's thresholds are set on Linux with glibc only")
def test_freed_arrays_are_reused_without_page_faults():
    kept, default = _run({}), _run({"RNNLIB_MALLOC": "default"})
    assert kept["active"] is True and default["active"] is False
    # 80 arrays of 1024 pages each: by default nearly every page faults again; kept, only the
    # first ones
    assert default["faults"] > 20 * 1024, default
    assert kept["faults"] < 4 * 1024, kept


def test_keep_freed_memory_leaves_malloc_alone_when_asked():
    assert _run({"RNNLIB_MALLOC": "default"})["active"] is False


def test_importing_rnnlib_leaves_malloc_alone():
    """No side effect on import: malloc's thresholds change only if keep_freed_memory() is
    called."""
    plain = _run({}, keep=False)
    assert plain["active"] is False
    if _glibc():
        assert plain["faults"] > 20 * 1024, (
            plain
        )  # as with RNNLIB_MALLOC=default: every page faults again
