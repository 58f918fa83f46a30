"""Record small real Keras runs for each pathology fitwatch diagnoses.

Usage (from this folder; data from ../../../../../shared/data or $FITWATCH_DATA):
  KERAS_BACKEND=jax $FITWATCH_K3_PYTHON scenarios.py k3 NAME
  $FITWATCH_TFK_PYTHON scenarios.py tfk NAME
`record.sh` runs every scenario and keeps stdout+stderr as NAME.log beside the
model files (NAME.keras from model.save, NAME.model.json from model.to_json())
and the exact history (NAME.csv from keras.callbacks.CSVLogger).
Seeds are fixed; runs are small (a few steps per epoch) so logs stay short.
"""
import os
import sys

import numpy as np

flavour, name = sys.argv[1], sys.argv[2]
if flavour == "k3":
    import keras
else:
    import tensorflow as tf
    import tf_keras as keras
    tf.config.experimental.enable_op_determinism()

keras.utils.set_random_seed(42)
DATA = os.environ.get("FITWATCH_DATA", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "..", "shared", "data"))
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
layers = keras.layers


def load(csv):
    table = np.genfromtxt(os.path.join(DATA, csv), delimiter=",", skip_header=1)
    return table[:, :-1].astype("float32"), table[:, -1]


def standardize(x):
    return ((x - x.mean(axis=0)) / (x.std(axis=0) + 1e-8)).astype("float32")


def shuffled(x, y):
    order = np.random.RandomState(0).permutation(len(x))
    return x[order], y[order]


def iris(one_hot=True):
    x, y = shuffled(*load("iris.csv"))
    y = y.astype("int64")
    return standardize(x), (np.eye(3, dtype="float32")[y] if one_hot else y)


def cancer():
    x, y = shuffled(*load("breast_cancer.csv"))
    return standardize(x), y.astype("float32")


def housing(scale=True):
    x, y = shuffled(*load("housing.csv"))
    return (standardize(x) if scale else x), y.astype("float32")


def sequential(inputs, *stack):
    return keras.Sequential([keras.Input(shape=(inputs,))] + list(stack))


def save(model):
    # The overfitting net holds ~85k weights (a 356 KB archive); its to_json() carries the same config.
    if name != "overfitting":
        model.save(os.path.join(OUT, f"{flavour}_{name}.keras"))
    with open(os.path.join(OUT, f"{flavour}_{name}.model.json"), "w") as f:
        f.write(model.to_json())


def csv_logger():
    return keras.callbacks.CSVLogger(os.path.join(OUT, f"{flavour}_{name}.csv"))


def run(model, x, y, epochs, batch_size, **compile_args):
    model.compile(**compile_args)
    save(model)
    model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_split=0.2, verbose=1, callbacks=[csv_logger()])


if name == "healthy_iris":
    x, y = iris()
    run(sequential(4, layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax")),
        x, y, 20, 32, optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
elif name == "regression_accuracy":
    # S1's mistake at a small scale: mse on house prices with metrics=['accuracy'].
    x, y = housing()
    run(sequential(13, layers.Dense(13, activation="relu"), layers.Dense(1)),
        x, y, 8, 64, optimizer="adam", loss="mean_squared_error", metrics=["accuracy"])
elif name == "bce_multiclass":
    x, y = iris()
    run(sequential(4, layers.Dense(8, activation="relu"), layers.Dense(3, activation="softmax")),
        x, y, 10, 32, optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
elif name == "softmax_single_unit":
    x, y = cancer()
    run(sequential(30, layers.Dense(8, activation="relu"), layers.Dense(1, activation="softmax")),
        x, y, 6, 64, optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
elif name == "dropout_one":
    x, y = cancer()
    run(sequential(30, layers.Dense(16, activation="relu"), layers.Dropout(1.0), layers.Dense(1, activation="sigmoid")),
        x, y, 6, 64, optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
elif name == "from_logits_on_sigmoid":
    x, y = cancer()
    run(sequential(30, layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid")),
        x, y, 6, 64, optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
elif name == "linear_into_bce":
    x, y = cancer()
    run(sequential(30, layers.Dense(8, activation="relu"), layers.Dense(1)),
        x, y, 6, 64, optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
elif name == "cce_integer_labels":
    x, y = iris(one_hot=False)
    run(sequential(4, layers.Dense(8, activation="relu"), layers.Dense(3, activation="softmax")),
        x, y.reshape(-1, 1), 3, 32, optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
elif name == "sparse_onehot_labels":
    x, y = iris()
    run(sequential(4, layers.Dense(8, activation="relu"), layers.Dense(3, activation="softmax")),
        x, y, 3, 32, optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
elif name == "nan_loss":
    x, y = housing(scale=False)
    run(sequential(13, layers.Dense(16, activation="relu"), layers.Dense(1)),
        x, y, 5, 64, optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
elif name == "diverging":
    x, y = housing()
    run(sequential(13, layers.Dense(1)),
        x, y, 12, 512, optimizer=keras.optimizers.SGD(float(os.environ.get("LR", "1.1"))), loss="mse", metrics=["mae"])
elif name == "overfitting":
    # 150 digits, a third of the labels replaced at random: the network memorises the noise.
    x, y = shuffled(*load("digits.csv"))
    labels = y[:150].astype("int64")
    noisy = np.random.RandomState(1).rand(150) < 0.33
    labels[noisy] = np.random.RandomState(2).randint(0, 10, noisy.sum())
    x, y = x[:150] / 16.0, np.eye(10, dtype="float32")[labels]
    run(sequential(64, layers.Dense(256, activation="relu"), layers.Dense(256, activation="relu"),
                   layers.Dense(10, activation="softmax")),
        x, y, 40, 32, optimizer=keras.optimizers.Adam(0.003), loss="categorical_crossentropy", metrics=["accuracy"])
elif name in ("loss_weight_dominance", "regularized_two_heads"):
    x, price = housing()
    expensive = (price > 25).astype("float32")
    regularizer = keras.regularizers.l2(0.5) if name == "regularized_two_heads" else None
    inputs = keras.Input(shape=(13,), name="features")
    trunk = layers.Dense(16, activation="relu", name="trunk", kernel_regularizer=regularizer)(inputs)
    price_out = layers.Dense(1, name="price")(trunk)
    class_out = layers.Dense(1, activation="sigmoid", name="expensive")(trunk)
    model = keras.Model(inputs, {"price": price_out, "expensive": class_out} if flavour == "k3" else [price_out, class_out],
                        name="house_heads")
    targets = {"price": price, "expensive": expensive} if flavour == "k3" else [price, expensive]
    model.compile(optimizer="adam", loss={"price": "mse", "expensive": "binary_crossentropy"},
                  loss_weights={"price": 1.0, "expensive": 1.0},
                  metrics={"price": ["mae"], "expensive": ["accuracy"]})
    save(model)
    model.fit(x, targets, epochs=8, batch_size=64, validation_split=0.2, verbose=1, callbacks=[csv_logger()])
elif name == "small_set_overfitting":
    # Three regression heads on the 20 athletes of linnerud, 16 to train and 4 to validate, for 40
    # epochs: a tiny validation set, and val_loss rising steadily after epoch 5 (issue 16: the
    # noise allowances for small validation sets must not hide this).
    table = np.genfromtxt(os.path.join(DATA, "linnerud.csv"), delimiter=",", skip_header=1)
    table = table[np.random.RandomState(0).permutation(len(table))]
    x, targets = standardize(table[:, :3]), standardize(table[:, 3:])
    inputs = keras.Input(shape=(3,), name="exercise")
    trunk = layers.Dense(8, activation="relu", name="trunk")(inputs)
    heads = [layers.Dense(1, name=head)(trunk) for head in ("weight", "waist", "pulse")]
    model = keras.Model(inputs, heads, name="linnerud")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=["mse", "mse", "mse"], metrics=[["mae"], ["mae"], ["mae"]])
    save(model)
    model.fit(x, [targets[:, i:i + 1] for i in range(3)], epochs=40, batch_size=4, validation_split=0.2, verbose=1,
              callbacks=[csv_logger()])
elif name == "early_stopping_no_restore":
    # EarlyStopping without restore_best_weights: the model left is `patience` epochs past its best.
    x, y = housing()
    model = sequential(13, layers.Dense(32, activation="relu"), layers.Dense(1))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    save(model)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, verbose=1)
    model.fit(x, y, epochs=200, batch_size=32, validation_split=0.2, verbose=1, callbacks=[csv_logger(), stop])
elif name == "softmax_single_unit_prf":
    # softmax over one unit with threshold metrics: recall is 1.0 (every sample called positive),
    # a best value that must not hide precision and accuracy pinned at the positive share.
    x, y = cancer()
    run(sequential(30, layers.Dense(8, activation="relu"), layers.Dense(1, activation="softmax")),
        x, y, 6, 64, optimizer="adam", loss="binary_crossentropy",
        metrics=["accuracy", keras.metrics.Precision(name="precision"), keras.metrics.Recall(name="recall"),
                 keras.metrics.AUC(name="auc")])
else:
    sys.exit(f"unknown scenario {name}")
