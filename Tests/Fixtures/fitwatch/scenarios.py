"""Small real Keras runs with FitwatchCallback, for KerasCallbackTests.

    python scenarios.py OUTPUT_DIR keras3|tf_keras HOUSING_CSV

Writes one stream per scenario into OUTPUT_DIR (each a separate fit, a few epochs on tiny
data so the whole script takes seconds) and `done.txt` at the end. The callback module is
found through PYTHONPATH (integrations/keras).
"""
import os
import sys

out, flavour, housing = sys.argv[1], sys.argv[2], sys.argv[3]
if flavour == "tf_keras":
    import tensorflow as tf  # noqa: F401
    import tf_keras as keras
else:
    import keras
import numpy as np
from fitwatch_callback import FitwatchCallback
from fitwatch_models import two_heads, two_heads_data


def stream(name):
    return FitwatchCallback(os.path.join(out, name + ".fitwatch.jsonl"))


keras.utils.set_random_seed(42)
rng = np.random.default_rng(42)

# 1. The two-output model: x -> A -> B, B -> C -> out1 (mse), B -> D -> out2 (sigmoid, BCE).
x, targets = two_heads_data(rng, 160)
two_heads(keras).fit(x, targets, epochs=2, batch_size=32, validation_split=0.2,
                     callbacks=[stream("two_heads")], verbose=0)

# 2. Regression with accuracy: Boston housing, Dense(13, relu) -> Dense(1), mse, metrics=['accuracy'].
data = np.loadtxt(housing, delimiter=",", skiprows=1, dtype="float32")
features, prices = data[:, :13], data[:, 13:]
regression = keras.Sequential([keras.Input(shape=(13,)), keras.layers.Dense(13, activation="relu"),
                               keras.layers.Dense(1)], name="housing")
regression.compile(optimizer="adam", loss="mean_squared_error", metrics=["accuracy"])
regression_stream = stream("regression")
regression.fit(features, prices, epochs=3, batch_size=32, validation_split=0.2,
               callbacks=[regression_stream], verbose=0)
regression.evaluate(features, prices, batch_size=128, callbacks=[regression_stream], verbose=0)

# 3. Early stopping: no epoch is an improvement of 1e9, so patience=1 stops after epoch 2 of 10.
early = keras.Sequential([keras.Input(shape=(13,)), keras.layers.Dense(1)], name="early")
early.compile(optimizer="sgd", loss="mse")
early.fit(features[:64] / 100.0, prices[:64] / 50.0, epochs=10, batch_size=32, verbose=0,
          callbacks=[stream("early"), keras.callbacks.EarlyStopping(monitor="loss", patience=1, min_delta=1e9)])


# 3b. Every 3rd step only (64 rows in batches of 16: 4 steps, so steps 3 and 4 per epoch).
early.fit(features[:64] / 100.0, prices[:64] / 50.0, epochs=2, batch_size=16, verbose=0,
          callbacks=[FitwatchCallback(os.path.join(out, "sparse.fitwatch.jsonl"), batches=3)])

# 4. An exception the caller catches, then a second fit on the same callback: the first
#    segment gets a "failed" footer when the second begins.
class Explode(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch == 1:
            raise ValueError("boom at step 2")


caught = stream("caught")
try:
    early.fit(features[:64] / 100.0, prices[:64] / 50.0, epochs=3, batch_size=16, verbose=0,
              callbacks=[caught, Explode()])
except ValueError:
    pass
early.fit(features[:64] / 100.0, prices[:64] / 50.0, epochs=1, batch_size=16, verbose=0, callbacks=[caught])

# 4b. A subclassed model: no to_json(), so the header says why and carries no model config.
class Net(keras.Model):
    def __init__(self, width):
        super().__init__()
        self.hidden = keras.layers.Dense(width, activation="relu")
        self.head = keras.layers.Dense(1)

    def call(self, inputs):
        return self.head(self.hidden(inputs))


subclassed = Net(4)
subclassed.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
subclassed.fit(features[:64] / 100.0, prices[:64] / 50.0, epochs=2, batch_size=32, verbose=0,
               callbacks=[stream("subclassed")])

# 4c. A stream that cannot be written (no such directory): training must go on regardless.
history = early.fit(features[:64] / 100.0, prices[:64] / 50.0, epochs=2, batch_size=32, verbose=0,
                    callbacks=[FitwatchCallback(os.path.join(out, "no-such-dir", "x.fitwatch.jsonl"))])
with open(os.path.join(out, "unwritable.txt"), "w") as trained:
    trained.write("%d\n" % len(history.history["loss"]))

with open(os.path.join(out, "done.txt"), "w") as done:
    done.write("ok\n")


# 5. Ctrl-C in the middle of epoch 2: uncaught, so the excepthook writes an "interrupted"
#    footer before Python exits (with status 1).
class CtrlC(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.epoch == 1 and batch == 1:
            raise KeyboardInterrupt


early.fit(features[:64] / 100.0, prices[:64] / 50.0, epochs=5, batch_size=16, verbose=0,
          callbacks=[stream("interrupted"), CtrlC()])
