"""A run that is slow on purpose (about 20 ms per step, 50 epochs of 40 steps: 40 s unless
killed), so KerasCallbackTests can SIGKILL it mid-epoch even when its watcher is slow to
run:  python killed.py STREAM"""
import sys
import time

import keras
import numpy as np
from fitwatch_callback import FitwatchCallback


class Slow(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        time.sleep(0.02)


keras.utils.set_random_seed(1)
x = np.random.default_rng(1).normal(size=(320, 4)).astype("float32")
y = x.sum(axis=1, keepdims=True)
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
model.fit(x, y, epochs=50, batch_size=8, verbose=0, callbacks=[FitwatchCallback(sys.argv[1]), Slow()])
