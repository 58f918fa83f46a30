"""Record one scenario of scenario.py as fitwatch fixtures, the way the shared logs were made.

usage: python record.py FLAVOUR SCENARIO MODE [INTERRUPT_AFTER_EPOCHS]
  MODE pipe: stdout to NAME.pipe.log, stderr to NAME.pipe.stderr.log (Keras sees no TTY)
  MODE tty:  stdout and stderr on a pseudo-terminal (120x40), the merged bytes to NAME.tty.log
With INTERRUPT_AFTER_EPOCHS, once the truth file shows that many epochs the recorder waits
3 s and interrupts: Ctrl-C typed on the pty (echoed `^C`), or SIGINT through a pipe.
Writes NAME.<mode>.truth.json. NAME = <flavour>_<scenario>.
"""
import json, os, signal, subprocess, sys, time

import ttycapture

flavour, scenario, mode = sys.argv[1:4]
interrupt_after = int(sys.argv[4]) if len(sys.argv) > 4 else None
here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.dirname(here)
name = f"{flavour}_{scenario}"
python = os.environ.get("FITWATCH_K3_PYTHON" if flavour == "k3" else "FITWATCH_TFK_PYTHON", "python3")
truth = os.path.join(out_dir, f"{name}.{mode}.truth.json")
argv = [python, os.path.join(here, "scenario.py"), flavour, scenario, truth]
env = dict(os.environ, KERAS_BACKEND="jax", LANG="C.UTF-8", TERM="xterm-256color")
env.pop("PYTHONUNBUFFERED", None)

def epochs_done():
    try:
        return sum(len(fit["epochs"]) for fit in json.load(open(truth))["fits"])
    except Exception:
        return 0

if mode == "pipe":
    with open(os.path.join(out_dir, f"{name}.pipe.log"), "wb") as out, \
         open(os.path.join(out_dir, f"{name}.pipe.stderr.log"), "wb") as err:
        # A shell's background job ignores SIGINT, and Python keeps an ignored SIGINT ignored:
        # restore the default so the interrupt becomes a KeyboardInterrupt.
        child = subprocess.Popen(argv, stdout=out, stderr=err, env=env,
                                 preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        if interrupt_after is not None:
            while child.poll() is None and epochs_done() < interrupt_after:
                time.sleep(0.2)
            time.sleep(3)
            child.send_signal(signal.SIGINT)
        child.wait()
else:
    state = {"interrupted": False, "started": None}

    def tick(fd):
        # Once the truth file shows enough epochs, wait 3 s and type Ctrl-C.
        if interrupt_after is None or state["interrupted"] or epochs_done() < interrupt_after:
            return
        state["started"] = state["started"] or time.time()
        if time.time() - state["started"] > 3:
            os.write(fd, b"\x03")
            state["interrupted"] = True

    data, _ = ttycapture.capture(argv, env, tick)
    open(os.path.join(out_dir, f"{name}.tty.log"), "wb").write(bytes(data))
