"""Regenerate the recorded callback streams in this folder (run from the package root):

    KERAS_BACKEND=jax $FITWATCH_K3_PYTHON Tests/Fixtures/fitwatch/make_fixtures.py keras3
    $FITWATCH_TFK_PYTHON Tests/Fixtures/fitwatch/make_fixtures.py tf_keras

Each stream is what integrations/keras/fitwatch_callback.py wrote for a small seeded run.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "integrations", "keras"))
flavour = sys.argv[1]
if flavour == "tf_keras":
    import tensorflow as tf  # noqa: F401
    import tf_keras as keras
    prefix = "tfk"
else:
    import keras
    prefix = "k3"
import numpy as np
from fitwatch_callback import FitwatchCallback
from fitwatch_models import two_heads, two_heads_data

keras.utils.set_random_seed(42)
rng = np.random.default_rng(42)
x, targets = two_heads_data(rng, 200)
model = two_heads(keras)
path = os.path.join(HERE, "%s_two_heads.fitwatch.jsonl" % prefix)
if os.path.exists(path):
    os.remove(path)
callback = FitwatchCallback(path)
# min_delta=1e9: no epoch counts as an improvement, so the learning rate halves after epoch 2.
plateau = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=1e9, verbose=0)
model.fit(x, targets, epochs=3, batch_size=50, validation_split=0.2,
          callbacks=[callback, plateau], verbose=0)
# A second fit appends a second segment; then a stand-alone evaluate.
model.fit(x, targets, epochs=2, batch_size=100, callbacks=[callback], verbose=0)
model.evaluate(x, targets, callbacks=[callback], verbose=0)

if flavour != "tf_keras":
    # A regression that diverges: a huge learning rate on unscaled house-price-like targets.
    keras.utils.set_random_seed(7)
    xr = rng.normal(size=(100, 4)).astype("float32")
    yr = (xr @ np.array([[300.0], [-200.0], [100.0], [50.0]], dtype="float32")) ** 3
    regression = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                                   keras.layers.Dense(1)], name="diverges")
    regression.compile(optimizer=keras.optimizers.SGD(learning_rate=10.0), loss="mse", metrics=["accuracy"])
    path = os.path.join(HERE, "%s_nan.fitwatch.jsonl" % prefix)
    if os.path.exists(path):
        os.remove(path)
    regression.fit(xr, yr, epochs=5, batch_size=10, verbose=0,
                   callbacks=[FitwatchCallback(path), keras.callbacks.TerminateOnNaN()])
