"""One small real Keras training run for fitwatch's reader fixtures.

usage: python scenario.py FLAVOUR SCENARIO TRUTH_JSON
  FLAVOUR: k3 (keras 3, KERAS_BACKEND=jax) | tfk (tf-keras)
  SCENARIO: verbose2 | callbacks | nan | softmax1 | killed
The truth file is rewritten at every epoch end from the logs Keras hands to callbacks (what
History stores), so a run killed mid-epoch still leaves the epochs it finished.
"""
import json, os, sys, time

flavour, scenario, truth_path = sys.argv[1:4]
os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np
if flavour == "k3":
    import keras
else:
    import tensorflow as tf
    import tf_keras as keras
    tf.config.experimental.enable_op_determinism()
keras.utils.set_random_seed(42)

truth = {"flavour": flavour, "keras_version": keras.__version__, "scenario": scenario, "fits": [],
         "evaluate": None, "status": "running"}

def save():
    json.dump(truth, open(truth_path, "w"), indent=1, default=float)

class Recorder(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        truth["fits"].append({"epochs_requested": self.params.get("epochs"), "history": {}, "epochs": []})
        save()
    def on_epoch_end(self, epoch, logs=None):
        fit = truth["fits"][-1]
        fit["epochs"].append(epoch + 1)
        for key, value in (logs or {}).items():
            fit["history"].setdefault(key, []).append(float(value))
        save()

class Slow(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        time.sleep(0.04)

rng = np.random.default_rng(0)
x = rng.normal(size=(800, 8)).astype("float32")
y_reg = (x @ rng.normal(size=(8, 1)) + rng.normal(0, 0.1, size=(800, 1))).astype("float32")
y_bin = (rng.random(size=(800, 1)) < 0.5).astype("float32")  # pure noise: validation stops improving

def dense_model(units_out, activation=None, name="model"):
    inputs = keras.Input(shape=(8,), name="x")
    hidden = keras.layers.Dense(16, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(units_out, activation=activation, name="out")(hidden)
    return keras.Model(inputs, outputs, name=name)

if scenario == "verbose2":
    model = dense_model(1, name="verbose2")
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(x, y_reg, epochs=4, batch_size=32, validation_split=0.2, verbose=2, callbacks=[Recorder()])
    truth["evaluate"] = model.evaluate(x, y_reg, verbose=2, return_dict=True)
elif scenario == "callbacks":
    model = dense_model(1, activation="sigmoid", name="noisy_labels")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    checkpoint = os.path.join(os.path.dirname(truth_path) or ".", "best.keras" if flavour == "k3" else "best.h5")
    # The recorder goes last so it sees the logs after ReduceLROnPlateau added `learning_rate`.
    callbacks = [keras.callbacks.ReduceLROnPlateau(monitor="val_loss", patience=1, factor=0.5, verbose=1),
                 keras.callbacks.ModelCheckpoint(checkpoint, monitor="val_loss", save_best_only=True, verbose=1),
                 keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True, verbose=1),
                 Recorder()]
    model.fit(x, y_bin, epochs=40, batch_size=32, validation_split=0.2, callbacks=callbacks)
    # A second fit call in the same process: a new `Epoch 1/N` segment in the log.
    model.fit(x, y_bin, epochs=2, batch_size=32, validation_split=0.2, callbacks=[Recorder()])
    truth["evaluate"] = model.evaluate(x, y_bin, return_dict=True)
    if os.path.exists(checkpoint):
        os.remove(checkpoint)
elif scenario == "nan":
    model = dense_model(1, name="exploding")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e6), loss="mse")
    model.fit(x, y_reg * 1e3, epochs=3, batch_size=8, callbacks=[Recorder(), keras.callbacks.TerminateOnNaN()])
elif scenario == "softmax1":
    model = dense_model(1, activation="softmax", name="softmax_one_unit")
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y_bin, epochs=2, batch_size=32, validation_split=0.2, callbacks=[Recorder()])
elif scenario == "killed":
    # 2000 steps of >= 40 ms: ETAs over a minute (`1:2x`); the recorder interrupts epoch 2.
    big_x = np.repeat(x, 5, axis=0)[:4000]
    big_y = np.repeat(y_reg, 5, axis=0)[:4000]
    model = dense_model(1, name="interrupted")
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(big_x, big_y, epochs=3, batch_size=2, callbacks=[Recorder(), Slow()])
truth["status"] = "finished"
save()
