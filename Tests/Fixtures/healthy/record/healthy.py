"""Healthy real Keras runs: what fitwatch must NOT warn about (issue 16).

usage: python healthy.py FLAVOUR SCENARIO TRUTH_JSON [--save]
  FLAVOUR: k3 (Keras 3, KERAS_BACKEND=jax) | tfk (tf-keras, TF_USE_LEGACY_KERAS=1)
  --save: also write ../FLAVOUR_SCENARIO.keras (model.save) and .model.json (model.to_json()),
          compiled, before fit.
record.py runs it with stdout+stderr on a pipe or a pseudo-terminal; record_all.sh records all.
The truth file is rewritten at every epoch end with the logs Keras hands to callbacks (what
History stores; the recorder is the last callback), per fit call.

Every run here is one a careful user would call healthy, varied on purpose to show what a
healthy curve can look like: metrics at their best value (val_precision 1.0), tiny validation
sets that move in steps of 1/n, learning-rate schedules and ReduceLROnPlateau plateaus,
EarlyStopping that restores the best weights, threshold metrics (AUC, Precision, Recall,
F1Score) beside running means, regressions with mae/mse/RMSE/R2Score, multi-output models with
per-output metrics, a long run. Data: the CSVs of ../../../../../shared/data or $FITWATCH_DATA.
Seeds are fixed and nets small, so each log stays a few KB.
"""
import json
import os
import sys

flavour, scenario, truth_path = sys.argv[1:4]
save_model = "--save" in sys.argv[4:]
if flavour == "k3":
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras
else:
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow as tf
    import tf_keras as keras
    tf.config.experimental.enable_op_determinism()
import numpy as np

keras.utils.set_random_seed(42)
DATA = os.environ.get("FITWATCH_DATA") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "..", "..", "..", "..", "..", "shared", "data")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
layers = keras.layers
name = f"{flavour}_{scenario}"

truth = {"flavour": flavour, "keras_version": keras.__version__, "scenario": scenario, "fits": [],
         "evaluate": None, "status": "running"}


def write_truth():
    with open(truth_path, "w") as f:
        json.dump(truth, f, indent=1, default=float)


class Recorder(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        truth["fits"].append({"epochs_requested": self.params.get("epochs"), "history": {}, "epochs": []})
        write_truth()

    def on_epoch_end(self, epoch, logs=None):
        fit = truth["fits"][-1]
        fit["epochs"].append(epoch + 1)
        for key, value in (logs or {}).items():
            fit["history"].setdefault(key, []).append(float(value))
        write_truth()


def load(csv, targets=1):
    table = np.genfromtxt(os.path.join(DATA, csv), delimiter=",", skip_header=1)
    order = np.random.RandomState(0).permutation(len(table))
    table = table[order]
    return table[:, :-targets].astype("float32"), table[:, -targets:] if targets > 1 else table[:, -1]


def standardize(x):
    return ((x - x.mean(axis=0)) / (x.std(axis=0) + 1e-8)).astype("float32")


def one_hot(y, classes):
    return np.eye(classes, dtype="float32")[y.astype("int64")]


def sequential(inputs, *stack, name=None):
    return keras.Sequential([keras.Input(shape=(inputs,))] + list(stack), name=name)


def save(model):
    if save_model:
        model.save(os.path.join(OUT, f"{name}.keras"))
        with open(os.path.join(OUT, f"{name}.model.json"), "w") as f:
            f.write(model.to_json())


def fit(model, x, y, callbacks=(), **kwargs):
    save(model)
    model.fit(x, y, verbose=1, callbacks=list(callbacks) + [Recorder()], **kwargs)


def binary_metrics():
    return [keras.metrics.AUC(name="auc"), keras.metrics.Precision(name="precision"),
            keras.metrics.Recall(name="recall"), "accuracy"]


if scenario == "cancer_binary":
    # The run: breast cancer, sigmoid output, AUC/Precision/Recall/accuracy, 20% validation.
    # With seed 6 (Keras 3) the model never calls a validation sample positive wrongly: val_precision
    # is 1.0000 in every epoch, a perfect score, while val_recall climbs from near 0.
    keras.utils.set_random_seed(6)
    x, y = load("breast_cancer.csv")
    model = sequential(30, layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid"), name="cancer")
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy", metrics=binary_metrics())
    fit(model, standardize(x), y.astype("float32"), epochs=30, batch_size=32, validation_split=0.2)
elif scenario == "cancer_small_validation":
    # 23 validation samples: every validation metric moves in steps of 1/23 or coarser.
    x, y = load("breast_cancer.csv")
    model = sequential(30, layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid"), name="cancer_small_val")
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy",
                  metrics=binary_metrics() + [keras.metrics.F1Score(average="micro", threshold=0.5, name="f1_score")])
    fit(model, standardize(x), y.astype("float32").reshape(-1, 1), epochs=25, batch_size=32, validation_split=0.04)
elif scenario == "iris_f1":
    # 30 validation samples, one-hot targets, threshold metrics beside accuracy.
    x, y = load("iris.csv")
    model = sequential(4, layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax"), name="iris")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.F1Score(average="macro", name="f1_score"),
                           keras.metrics.Precision(name="precision"), keras.metrics.Recall(name="recall"),
                           keras.metrics.AUC(name="auc")])
    fit(model, standardize(x), one_hot(y, 3), epochs=40, batch_size=16, validation_split=0.2)
elif scenario == "wine_plateau":
    # ReduceLROnPlateau halves the learning rate whenever val_loss stalls; integer labels.
    x, y = load("wine.csv")
    model = sequential(13, layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax"), name="wine")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, min_lr=1e-5, verbose=1)
    fit(model, standardize(x), y.astype("int64"), callbacks=[plateau], epochs=40, batch_size=16, validation_split=0.2)
elif scenario == "wine_tiny_validation":
    # 18 validation samples: with seed 6 (Keras 3) val_accuracy is 17/18 = 0.9444 in all 20 epochs
    # while training accuracy and val_loss move: a coarse validation set, not a stuck metric.
    keras.utils.set_random_seed(6)
    x, y = load("wine.csv")
    model = sequential(13, layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax"), name="wine_tiny_val")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.Precision(name="precision"), keras.metrics.Recall(name="recall"),
                           keras.metrics.AUC(name="auc")])
    fit(model, standardize(x), one_hot(y, 3), epochs=20, batch_size=16, validation_split=0.1)
elif scenario == "wine_f1_plateau":
    x, y = load("wine.csv")
    # An impatient ReduceLROnPlateau (patience 1, min_delta 0.005): the rate halves again and
    # again once val_loss flattens, and the curves step down to a plateau.
    model = sequential(13, layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax"), name="wine_f1")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.F1Score(average="macro", name="f1_score"),
                           keras.metrics.AUC(name="auc")])
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_delta=0.005,
                                                min_lr=1e-5, verbose=1)
    fit(model, standardize(x), one_hot(y, 3), callbacks=[plateau], epochs=40, batch_size=16, validation_split=0.2)
elif scenario == "housing_regression":
    # mse on house prices (standardised inputs, targets in $1000s) with EarlyStopping restoring the best weights.
    x, y = load("housing.csv")
    model = sequential(13, layers.Dense(32, activation="relu"), layers.Dense(1), name="housing")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse",
                  metrics=["mae", "mse", keras.metrics.RootMeanSquaredError(name="root_mean_squared_error"),
                           keras.metrics.R2Score(name="r2_score")])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True, verbose=1)
    fit(model, standardize(x), y.astype("float32").reshape(-1, 1), callbacks=[stop], epochs=150, batch_size=32,
        validation_split=0.2)
elif scenario == "housing_checkpoint":
    # EarlyStopping without restore, but ModelCheckpoint(save_best_only=True) keeps the best epoch on disk.
    import tempfile
    x, y = load("housing.csv")
    model = sequential(13, layers.Dense(32, activation="relu"), layers.Dense(1), name="housing_checkpoint")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    with tempfile.TemporaryDirectory() as folder:
        best = os.path.join(folder, "best.keras")
        callbacks = [keras.callbacks.ModelCheckpoint(best, monitor="val_loss", save_best_only=True, verbose=1),
                     keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, verbose=1)]
        fit(model, standardize(x), y.astype("float32").reshape(-1, 1), callbacks=callbacks, epochs=150, batch_size=32,
            validation_split=0.2)
elif scenario == "housing_schedule":
    # An exponentially decaying learning rate: the curves flatten as the steps shrink.
    x, y = load("housing.csv")
    schedule = keras.optimizers.schedules.ExponentialDecay(0.02, decay_steps=13, decay_rate=0.9)
    model = sequential(13, layers.Dense(32, activation="relu"), layers.Dense(16, activation="relu"), layers.Dense(1),
                       name="housing_schedule")
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="mse",
                  metrics=["mae", keras.metrics.RootMeanSquaredError(name="root_mean_squared_error"),
                           keras.metrics.R2Score(name="r2_score")])
    fit(model, standardize(x), y.astype("float32").reshape(-1, 1), epochs=40, batch_size=32, validation_split=0.2)
elif scenario == "digits_schedule":
    # 540 validation samples (large), a cosine-decayed learning rate.
    x, y = load("digits.csv")
    schedule = keras.optimizers.schedules.CosineDecay(0.005, decay_steps=20 * 40)
    model = sequential(64, layers.Dense(64, activation="relu"), layers.Dropout(0.2), layers.Dense(10, activation="softmax"),
                       name="digits")
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.TopKCategoricalAccuracy(k=3, name="top3")])
    fit(model, x / 16.0, one_hot(y, 10), epochs=20, batch_size=32, validation_split=0.3)
elif scenario == "linnerud_heads":
    # Three regression heads on 20 athletes: 4 validation samples, per-output mae. 16 training
    # samples overfit after a few epochs (val_loss rises from epoch 6 without it): EarlyStopping
    # restores the best epoch, as a careful user would have it.
    x, targets = load("linnerud.csv", targets=3)
    targets = standardize(targets)
    inputs = keras.Input(shape=(3,), name="exercise")
    trunk = layers.Dense(8, activation="relu", name="trunk")(inputs)
    heads = [layers.Dense(1, name=head)(trunk) for head in ("weight", "waist", "pulse")]
    model = keras.Model(inputs, heads, name="linnerud")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=["mse", "mse", "mse"], metrics=[["mae"], ["mae"], ["mae"]])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=4, restore_best_weights=True, verbose=1)
    fit(model, standardize(x), [targets[:, i:i + 1] for i in range(3)], callbacks=[stop], epochs=40, batch_size=4,
        validation_split=0.2)
elif scenario == "cancer_two_heads":
    # A diagnosis head (AUC/Precision/Recall) and a size head (mae/RMSE), weights 1.0 and 0.5.
    x, y = load("breast_cancer.csv")
    x = standardize(x)
    area, features = x[:, 3:4], np.delete(x, [0, 2, 3, 20, 22, 23], axis=1)
    inputs = keras.Input(shape=(features.shape[1],), name="cells")
    trunk = layers.Dense(16, activation="relu", name="trunk")(inputs)
    diagnosis = layers.Dense(1, activation="sigmoid", name="diagnosis")(trunk)
    size = layers.Dense(1, name="size")(trunk)
    outputs = {"diagnosis": diagnosis, "size": size} if flavour == "k3" else [diagnosis, size]
    model = keras.Model(inputs, outputs, name="cancer_heads")
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss={"diagnosis": "binary_crossentropy", "size": "mse"},
                  loss_weights={"diagnosis": 1.0, "size": 0.5},
                  metrics={"diagnosis": binary_metrics()[:3],
                           "size": ["mae", keras.metrics.RootMeanSquaredError(name="root_mean_squared_error")]})
    labels = y.astype("float32").reshape(-1, 1)
    fit(model, features, {"diagnosis": labels, "size": area} if flavour == "k3" else [labels, area],
        epochs=30, batch_size=32, validation_split=0.2)
elif scenario == "digits_heads":
    # The digit (softmax, accuracy) and its parity (sigmoid, AUC/Precision); 30% validation.
    x, y = load("digits.csv")
    inputs = keras.Input(shape=(64,), name="pixels")
    trunk = layers.Dense(32, activation="relu", name="trunk")(inputs)
    digit = layers.Dense(10, activation="softmax", name="digit")(trunk)
    parity = layers.Dense(1, activation="sigmoid", name="parity")(trunk)
    outputs = {"digit": digit, "parity": parity} if flavour == "k3" else [digit, parity]
    model = keras.Model(inputs, outputs, name="digit_heads")
    model.compile(optimizer=keras.optimizers.Adam(3e-3),
                  loss={"digit": "sparse_categorical_crossentropy", "parity": "binary_crossentropy"},
                  metrics={"digit": ["accuracy"],
                           "parity": [keras.metrics.AUC(name="auc"), keras.metrics.Precision(name="precision")]})
    odd = (y % 2).astype("float32").reshape(-1, 1)
    labels = y.astype("int64")
    fit(model, x / 16.0, {"digit": labels, "parity": odd} if flavour == "k3" else [labels, odd],
        epochs=20, batch_size=32, validation_split=0.3)
elif scenario == "wine_long":
    # A long, slow run: plain SGD with a small step, 300 epochs; Dropout keeps it honest.
    x, y = load("wine.csv")
    model = sequential(13, layers.Dense(16, activation="relu"), layers.Dropout(0.3), layers.Dense(3, activation="softmax"),
                       name="wine_long")
    model.compile(optimizer=keras.optimizers.SGD(0.005), loss="categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    fit(model, standardize(x), one_hot(y, 3), epochs=300, batch_size=32, validation_split=0.25)
else:
    sys.exit(f"unknown scenario {scenario}")

truth["status"] = "finished"
write_truth()
