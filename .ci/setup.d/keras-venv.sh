# Creates .venv in the repo root with keras and jax (CPU) from PyPI, for KerasCallbackTests
# (they run integrations/keras/fitwatch_callback.py under real Keras 3).
# Idempotent: a .venv that still imports keras and jax is kept (a few seconds). On failure
# it exits non-zero, leaves no half-made .venv, and the tests report themselves skipped.
# Run from the repo root (as .ci/run does): bash .ci/setup.d/keras-venv.sh
set -euo pipefail

venv=.venv
marker="$venv/.fitwatch-keras-ok"
check='import keras, jax; print("keras", keras.__version__, "jax", jax.__version__, keras.backend.backend())'

if [ -f "$marker" ] && KERAS_BACKEND=jax JAX_PLATFORMS=cpu timeout 120 "$venv/bin/python" -c "$check" 2>/dev/null; then
    echo "keras-venv: $venv is ready"
    exit 0
fi

# Not ready (first run, or the check above failed): until a new venv passes, the tests
# must see no ready .venv, so they report skipped rather than fail on a broken one.
rm -f "$marker"

python=$(command -v python3 || true)
if [ -z "$python" ] || ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "keras-venv: installing python3-venv"
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 apt-get update -qq
    timeout 300 apt-get install -y -qq --no-install-recommends python3 python3-venv python3-pip >/dev/null
    python=$(command -v python3)
fi

work="$venv.partial"
rm -rf "$work"
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work"
# Wheels only: building jaxlib or numpy from source would take an hour; 600 s bounds the
# download (about 150 MB) on a slow mirror.
timeout 600 "$work/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
    --timeout 60 --retries 3 "keras>=3" "jax[cpu]"
KERAS_BACKEND=jax JAX_PLATFORMS=cpu timeout 120 "$work/bin/python" -c "$check"

# Only bin/python is used, and a venv's python finds its packages from pyvenv.cfg beside
# it, so the checked venv can be moved into place (pip's own shebangs keep the old path).
rm -rf "$venv"
mv "$work" "$venv"
touch "$marker"
echo "keras-venv: $venv ready"
