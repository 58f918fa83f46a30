"""Reproduce Keras 1.2.2 and 2.2.4 progress output byte for byte.

Those versions do not install on Python 3.11, so this runs only their `Progbar` class, taken
verbatim from the released source (`pip download keras==2.2.4 --no-deps`,
`pip download keras==1.2.2 --no-deps`; file `keras/utils/generic_utils.py`), driven the way each
version's `ProgbarLogger` (copied below from `keras/callbacks.py`) and `BaseLogger` drive it
during `fit`. The clock is simulated (0.4 s per batch of 256, so ETAs go over a minute: `ETA: 1:33`) so the files are reproducible.

usage: python legacy_progbar.py PATH/TO/generic_utils.py VERSION MODE OUT_PREFIX
  VERSION: 1.2.2 | 2.2.4   MODE: dynamic | pipe | verbose2 (1.2.2 always draws dynamically)
Writes OUT_PREFIX.log and OUT_PREFIX.truth.json.
"""
import ast, collections, io, json, sys

import numpy as np

source_path, version, mode, out_prefix = sys.argv[1:5]
tree = ast.parse(open(source_path).read())
progbar_source = next(ast.get_source_segment(open(source_path).read(), node)
                      for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Progbar")


class FakeClock:
    now = 1000.0
    def time(self):
        return self.now


class FakeStdout(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty
    def isatty(self):
        return self.tty


clock = FakeClock()
out = FakeStdout(tty=(mode == "dynamic"))
fake_sys = type(sys)("sys")
fake_sys.stdout = out
fake_sys.modules = {}
namespace = {"np": np, "sys": fake_sys, "time": clock, "collections": collections}
exec(progbar_source, namespace)
Progbar = namespace["Progbar"]

samples, batch, epochs = 60000, 256, 3
verbose = 2 if mode == "verbose2" else 1
rng = np.random.default_rng(7)
history = collections.defaultdict(list)
printed_final = collections.defaultdict(list)

def emit(text):
    out.write(text + "\n")

for epoch in range(epochs):
    # ProgbarLogger.on_epoch_begin
    emit("Epoch %d/%d" % (epoch + 1, epochs))
    progbar = Progbar(target=samples, verbose=verbose)
    seen = 0
    totals = collections.OrderedDict()
    log_values = []
    start_loss = 0.9 * (0.7 ** epoch)
    for batch_index, first in enumerate(range(0, samples, batch)):
        size = min(batch, samples - first)
        loss = float(np.float32(start_loss * (1 - 0.3 * first / samples) + rng.normal(0, 0.02)))
        acc = float(np.float32(min(1.0, 0.5 + 0.1 * epoch + 0.1 * first / samples + rng.normal(0, 0.05))))
        logs = {"loss": loss, "acc": acc, "size": size}
        clock.now += 0.4
        # BaseLogger.on_batch_end
        for k in ("loss", "acc"):
            totals[k] = totals.get(k, 0) + logs[k] * size
        # ProgbarLogger.on_batch_begin / on_batch_end
        if seen < samples:
            log_values = []
        seen += size
        for k in ("loss", "acc"):
            log_values.append((k, logs[k]))
        if verbose and seen < samples:
            progbar.update(seen, log_values)
    epoch_logs = {k: totals[k] / seen for k in ("loss", "acc")}
    epoch_logs["val_loss"] = float(np.float32(start_loss * 1.1 + 0.01 * epoch))
    epoch_logs["val_acc"] = float(np.float32(0.45 + 0.1 * epoch))
    # ProgbarLogger.on_epoch_end
    for k in ("loss", "acc", "val_loss", "val_acc"):
        log_values.append((k, epoch_logs[k]))
    if version == "1.2.2":
        progbar.update(seen, log_values, force=True)
        values = progbar.sum_values
    else:
        progbar.update(seen, log_values)
        values = progbar._values
    for k in ("loss", "acc", "val_loss", "val_acc"):
        history[k].append(epoch_logs[k])
        printed_final[k].append(values[k][0] / max(1, values[k][1]))

open(out_prefix + ".log", "w").write(out.getvalue())
json.dump({
    "keras_flavour": "keras" + version.split(".")[0],
    "keras_version": version,
    "reproduced_from": "Progbar in keras/utils/generic_utils.py of Keras %s, driven as its ProgbarLogger does" % version,
    "capture": mode,
    "fit": {"epochs": epochs, "samples": samples, "batch_size": batch, "verbose": verbose},
    "epochs_run": epochs,
    "history": history,
    "printed_final": printed_final,
    "note": "Keras <2.3's ProgbarLogger appends the epoch logs after the last batch's values, so the "
            "Progbar averages the last batch and the epoch average once more; that equals the History "
            "average up to rounding (`printed_final` is what the Progbar printed, `history` what "
            "BaseLogger stored).",
}, open(out_prefix + ".truth.json", "w"), indent=1)
