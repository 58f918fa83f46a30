"""Record one scenario of healthy.py the way the other fixtures were recorded.

usage: python record.py FLAVOUR SCENARIO MODE
  MODE pipe: stdout and stderr on one pipe (`python train.py 2>&1 | fitwatch -`), to NAME.pipe.log;
             also writes the model files (NAME.keras, NAME.model.json)
  MODE tty:  stdout and stderr on a pseudo-terminal (120x40), the merged bytes to NAME.tty.log
Writes NAME.MODE.truth.json (History per fit call). NAME = FLAVOUR_SCENARIO.
The interpreters: $FITWATCH_K3_PYTHON (Keras 3 with jax) and $FITWATCH_TFK_PYTHON (tf-keras),
default `python3`.
"""
import os, shutil, subprocess, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "keras-logs", "record"))
import ttycapture  # noqa: E402

flavour, scenario, mode = sys.argv[1:4]
here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.dirname(here)
name = f"{flavour}_{scenario}"
python = shutil.which(os.environ.get("FITWATCH_K3_PYTHON" if flavour == "k3" else "FITWATCH_TFK_PYTHON", "python3"))
truth = os.path.join(out_dir, f"{name}.{mode}.truth.json")
argv = [python, os.path.join(here, "healthy.py"), flavour, scenario, truth] + (["--save"] if mode == "pipe" else [])
env = dict(os.environ, LANG="C.UTF-8", TERM="xterm-256color", JAX_PLATFORMS="cpu")
env["KERAS_BACKEND"] = "jax"
if flavour == "tfk":
    env["TF_USE_LEGACY_KERAS"] = "1"
env.pop("PYTHONUNBUFFERED", None)

if mode == "pipe":
    with open(os.path.join(out_dir, f"{name}.pipe.log"), "wb") as out:
        status = subprocess.call(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
else:
    data, status = ttycapture.capture(argv, env)
    with open(os.path.join(out_dir, f"{name}.tty.log"), "wb") as out:
        out.write(data)
print(f"{name} {mode}: exit {status}")
sys.exit(status)
