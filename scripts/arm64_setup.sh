#!/usr/bin/env bash
# Prepare an emulated ARM64 Python (Debian's python3.11 for arm64 under qemu-user) with the
# aarch64 wheels of the numpy version installed here (and of numba and llvmlite, if installed
# here), so that tests/test_exact.py::test_same_digits_on_arm64 compares rnnlib's digits on
# another CPU architecture (without it, that test is skipped). Linux with apt (Debian or
# Ubuntu) only; about 1-2 minutes the first time; root needed (apt-get, dpkg).
# Usage, from the repository root with its venv active:
#     scripts/arm64_setup.sh && pytest tests/test_exact.py -k arm64
# It installs under $ARM64_ROOT (default ~/.cache/arm64-python), where the test looks; PYTHON
# (default python3) is the Python whose numpy and numba versions are mirrored.
set -euo pipefail
root=${ARM64_ROOT:-$HOME/.cache/arm64-python}
py=${PYTHON:-python3}
npver=$("$py" -c "import numpy; print(numpy.__version__)")
if ! command -v qemu-aarch64-static >/dev/null; then
  apt-get update -qq && apt-get install -y -qq qemu-user-static >/dev/null
fi
if [ ! -x "$root/sys/usr/bin/python3.11" ]; then
  dpkg --print-foreign-architectures | grep -q arm64 || { dpkg --add-architecture arm64; apt-get update -qq; }
  mkdir -p "$root/debs" "$root/sys"
  (cd "$root/debs" && for p in libc6 python3.11-minimal libpython3.11-minimal libpython3.11-stdlib zlib1g \
      libexpat1 libffi8 libssl3 libbz2-1.0 liblzma5 libgcc-s1 libstdc++6 libgfortran5 libuuid1 \
      libncursesw6 libtinfo6 libreadline8 libsqlite3-0 libcrypt1 libtirpc3 libnsl2; do
      apt-get download -qq "$p:arm64" 2>/dev/null; done)
  for d in "$root"/debs/*.deb; do dpkg -x "$d" "$root/sys"; done
fi
if [ ! -d "$root/site-$npver/numpy" ]; then
  rm -rf "$root/wheels"
  "$py" -m pip download -q --no-deps --only-binary=:all: --platform manylinux_2_28_aarch64 \
      --platform manylinux2014_aarch64 --python-version 3.11 --implementation cp --abi cp311 \
      -d "$root/wheels" "numpy==$npver"
  mkdir -p "$root/site-$npver"
  for w in "$root"/wheels/*.whl; do "$py" -m zipfile -e "$w" "$root/site-$npver"; done
fi
# numba (and its llvmlite), when the project uses it: the aarch64 wheels of the versions installed here
nbver=$("$py" -c "import numba; print(numba.__version__)" 2>/dev/null || true)
if [ -n "$nbver" ] && [ ! -d "$root/site-$npver/numba" -o ! -f "$root/site-$npver/.numba-$nbver" ]; then
  llver=$("$py" -c "import llvmlite; print(llvmlite.__version__)")
  rm -rf "$root/wheels-numba" "$root/site-$npver/numba" "$root/site-$npver/llvmlite"
  "$py" -m pip download -q --no-deps --only-binary=:all: --platform manylinux_2_28_aarch64 \
      --platform manylinux2014_aarch64 --python-version 3.11 --implementation cp --abi cp311 \
      -d "$root/wheels-numba" "numba==$nbver" "llvmlite==$llver"
  for w in "$root"/wheels-numba/*.whl; do "$py" -m zipfile -e "$w" "$root/site-$npver"; done
  touch "$root/site-$npver/.numba-$nbver"
fi
QEMU_LD_PREFIX="$root/sys" qemu-aarch64-static -L "$root/sys" "$root/sys/usr/bin/python3.11" \
  -c "import sys; sys.path.insert(0, '$root/site-$npver'); import platform, numpy; print('ARM64 Python ready:', platform.machine(), 'numpy', numpy.__version__)" \
  && if [ -n "$nbver" ]; then QEMU_LD_PREFIX="$root/sys" qemu-aarch64-static -L "$root/sys" "$root/sys/usr/bin/python3.11" \
  -c "import sys; sys.path.insert(0, '$root/site-$npver'); import numba; print('ARM64 numba', numba.__version__)"; fi
