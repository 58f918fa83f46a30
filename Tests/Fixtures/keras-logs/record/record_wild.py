"""Record one scenario of wild.py as fitwatch fixtures (see ../README.md).

usage: python record_wild.py FLAVOUR SCENARIO MODE
  FLAVOUR: k3jax | k3torch | k3tf | tfk; the interpreter comes from FITWATCH_PY_K3JAX,
           FITWATCH_PY_K3TORCH, FITWATCH_PY_K3TF or FITWATCH_PY_TFK (a venv's python)
  MODE pipe:   stdout to NAME.pipe.log, stderr to NAME.pipe.stderr.log (Keras sees no TTY)
  MODE tty:    stdout and stderr on a pseudo-terminal (120x40), the merged bytes to NAME.tty.log
  MODE merged: `python train.py > NAME.merged.log 2>&1`: one file, stdout block-buffered by
               Python, stderr not
Data: breast_cancer.csv from FITWATCH_DATA (default: ../shared/data beside the repository).
Writes NAME.MODE.truth.json. NAME = <flavour>_<scenario>.
"""
import os, subprocess, sys

import ttycapture

flavour, scenario, mode = sys.argv[1:4]
here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.dirname(here)
repo = os.path.abspath(os.path.join(here, "..", "..", "..", ".."))
data = os.path.join(os.environ.get("FITWATCH_DATA", os.path.join(repo, "..", "shared", "data")), "breast_cancer.csv")
name = f"{flavour}_{scenario}"
python = os.environ[{"k3jax": "FITWATCH_PY_K3JAX", "k3torch": "FITWATCH_PY_K3TORCH",
                     "k3tf": "FITWATCH_PY_K3TF", "tfk": "FITWATCH_PY_TFK"}[flavour]]
truth = os.path.join(out_dir, f"{name}.{mode}.truth.json")
argv = [python, os.path.join(here, "wild.py"), flavour, scenario, truth, data]
env = dict(os.environ, LANG="C.UTF-8", TERM="xterm-256color")
env.pop("PYTHONUNBUFFERED", None)
if flavour == "tfk":
    env["TF_USE_LEGACY_KERAS"] = "1"
else:
    env["KERAS_BACKEND"] = {"k3jax": "jax", "k3torch": "torch", "k3tf": "tensorflow"}[flavour]

if mode == "pipe":
    with open(os.path.join(out_dir, f"{name}.pipe.log"), "wb") as out, \
         open(os.path.join(out_dir, f"{name}.pipe.stderr.log"), "wb") as err:
        subprocess.run(argv, stdout=out, stderr=err, env=env, check=True)
elif mode == "merged":
    with open(os.path.join(out_dir, f"{name}.merged.log"), "wb") as out:
        subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, env=env, check=True)
else:
    captured, status = ttycapture.capture(argv, env)
    with open(os.path.join(out_dir, f"{name}.tty.log"), "wb") as out:
        out.write(captured)
    if status != 0:
        sys.exit(f"{name} tty: exit status {status}")
