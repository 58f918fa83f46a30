"""Logs as users make them: one small real Keras run per scenario, for fitwatch's fixtures.

usage: python wild.py FLAVOUR SCENARIO TRUTH_JSON DATA_CSV
  FLAVOUR: k3jax | k3torch | k3tf (Keras 3 on that backend, KERAS_BACKEND set by the recorder)
           | tfk (tf-keras, TF_USE_LEGACY_KERAS=1)
  SCENARIO:
    oneepoch     fit(epochs=1) twice (Keras 3 prints no `Epoch 1/1`), evaluate(), predict()
    oneepoch_v2  the same with verbose=2
    resumed      fit(epochs=2), evaluate(), predict(), fit(epochs=4, initial_epoch=2), evaluate()
    valfreq_lr   fit(validation_freq=2) with LearningRateScheduler(verbose=1) adding the rate to the logs
    logging      a callback's print() and logging.warning() (stderr) in the middle of the bar
    unknown      a tf.data pipeline of unknown length: `N/Unknown` in the first epoch (TF only)
    acc_regression  metrics=['acc'] on an mse regression of house prices (housing.csv beside
                 DATA_CSV): every Keras prints the name `acc`, tf-keras and Keras 3 print 0.0000
The truth file is rewritten at every epoch end: per fit, the logs Keras handed to callbacks at
each epoch end (what History stores; the recording callback runs last), then every
evaluate()'s result and every predict()'s row count, in call order.
"""
import json, logging, os, sys

flavour, scenario, truth_path, data_csv = sys.argv[1:5]
import numpy as np
if flavour == "tfk":
    import tensorflow as tf
    import tf_keras as keras
    tf.config.experimental.enable_op_determinism()
else:
    import keras
    if flavour == "k3tf":
        import tensorflow as tf
keras.utils.set_random_seed(7)

truth = {"flavour": flavour, "keras_version": keras.__version__, "scenario": scenario,
         "backend": keras.backend.backend(), "fits": [], "calls": [], "status": "running"}
if flavour in ("k3tf", "tfk"):
    truth["tensorflow_version"] = tf.__version__


def save():
    with open(truth_path, "w") as out:
        json.dump(truth, out, indent=1, default=float)


class Recorder(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        truth["fits"].append({"epochs_requested": self.params.get("epochs"), "epochs": [], "logs": [], "history": {}})
        truth["calls"].append("fit")
        save()

    def on_epoch_end(self, epoch, logs=None):
        fit = truth["fits"][-1]
        fit["epochs"].append(epoch + 1)
        values = {key: float(value) for key, value in (logs or {}).items()}
        fit["logs"].append(values)
        for key, value in values.items():
            fit["history"].setdefault(key, []).append(value)
        save()


class Chatty(keras.callbacks.Callback):
    """What users' own callbacks do: print and log while the bar is drawn."""
    def on_epoch_begin(self, epoch, logs=None):
        print(f"starting epoch {epoch + 1}")

    def on_train_batch_end(self, batch, logs=None):
        if batch == 3:
            logging.warning("batch %d: loss is %.3f", batch, float(logs["loss"]))
        if batch == 6:
            print(f"batch {batch} done", flush=True)

    def on_epoch_end(self, epoch, logs=None):
        print(f"epoch {epoch + 1} ended: loss={float(logs['loss']):.4f}")


def evaluate(model, x, y, verbose="auto"):
    result = model.evaluate(x, y, batch_size=32, verbose=verbose, return_dict=True)
    truth["calls"].append("evaluate")
    truth.setdefault("evaluate", []).append({key: float(value) for key, value in result.items()})
    save()


def predict(model, x, verbose="auto"):
    rows = model.predict(x, batch_size=32, verbose=verbose)
    truth["calls"].append("predict")
    truth.setdefault("predict_rows", []).append(int(rows.shape[0]))
    save()


table = np.loadtxt(data_csv, delimiter=",", skiprows=1, dtype="float32")
features, labels = table[:, :-1], table[:, -1:]
features = (features - features.mean(axis=0)) / features.std(axis=0)
order = np.random.default_rng(0).permutation(len(features))
x, y = features[order[:400]], labels[order[:400]]
x_test, y_test = features[order[400:]], labels[order[400:]]


def classifier(name):
    inputs = keras.Input(shape=(x.shape[1],), name="x")
    hidden = keras.layers.Dense(16, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="out")(hidden)
    model = keras.Model(inputs, outputs, name=name)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


if scenario in ("oneepoch", "oneepoch_v2"):
    verbose = 2 if scenario == "oneepoch_v2" else "auto"
    model = classifier("one_epoch")
    model.fit(x, y, epochs=1, batch_size=32, validation_split=0.2, verbose=verbose, callbacks=[Recorder()])
    model.fit(x, y, epochs=1, batch_size=32, validation_split=0.2, verbose=verbose, callbacks=[Recorder()])
    evaluate(model, x_test, y_test, verbose)
    predict(model, x_test, verbose)
elif scenario == "resumed":
    model = classifier("resumed")
    model.fit(x, y, epochs=2, batch_size=32, validation_split=0.2, callbacks=[Recorder()])
    evaluate(model, x_test, y_test)
    predict(model, x_test)
    model.fit(x, y, epochs=4, initial_epoch=2, batch_size=32, validation_split=0.2, callbacks=[Recorder()])
    evaluate(model, x_test, y_test)
elif scenario == "valfreq_lr":
    model = classifier("val_freq")
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, rate: 0.01 * 0.5 ** epoch, verbose=1)
    model.fit(x, y, epochs=4, batch_size=32, validation_split=0.2, validation_freq=2,
              callbacks=[schedule, Recorder()])
elif scenario == "logging":
    logging.basicConfig(format="%(levelname)s:%(name)s:%(message)s")
    model = classifier("chatty")
    model.fit(x, y, epochs=3, batch_size=32, validation_split=0.2, callbacks=[Chatty(), Recorder()])
    evaluate(model, x_test, y_test)
elif scenario == "unknown":
    model = classifier("unknown_length")
    # filter() hides the length: tf.data reports UNKNOWN_CARDINALITY, Keras prints `N/Unknown`.
    data = tf.data.Dataset.from_tensor_slices((x, y)).filter(lambda a, b: True).batch(32)
    model.fit(data, epochs=3, callbacks=[Recorder()])
elif scenario == "acc_regression":
    houses = np.loadtxt(os.path.join(os.path.dirname(data_csv), "housing.csv"), delimiter=",", skiprows=1,
                        dtype="float32")
    prices_x = (houses[:, :-1] - houses[:, :-1].mean(axis=0)) / houses[:, :-1].std(axis=0)
    inputs = keras.Input(shape=(prices_x.shape[1],), name="x")
    hidden = keras.layers.Dense(13, activation="relu", name="hidden")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1, name="price")(hidden), name="acc_on_prices")
    model.compile(optimizer="adam", loss="mse", metrics=["acc"])
    model.fit(prices_x, houses[:, -1:], epochs=6, batch_size=32, validation_split=0.2, callbacks=[Recorder()])
else:
    raise SystemExit(f"unknown scenario {scenario}")
truth["status"] = "finished"
save()
