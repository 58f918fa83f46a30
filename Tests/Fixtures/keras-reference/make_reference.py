"""Computes the loss and metric reference table the training core is checked against.

Run once with real Keras 3 (jax backend, CPU):
    KERAS_BACKEND=jax $FITWATCH_K3_PYTHON Tests/Fixtures/keras-reference/make_reference.py
It writes reference.json next to itself. Every case holds fixed y_true / y_pred (float32),
the per-sample values Keras's loss function returns (mean over the last axis) and the
reduced value a compiled model reports (mean over the batch).

'accuracy' is resolved by Keras itself: each metric case compiles an identity model
(Dense with identity kernel, zero bias, linear) so that model.evaluate(y_pred, y_true)
reports exactly what Keras computes for those predictions, including which function
'accuracy' became for that output/target shape.
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np
import keras

f32 = np.float32


def arr(x):
    return np.asarray(x, dtype=f32)


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).reshape(-1)]


loss_cases = []


def loss_case(name, loss, y_true, y_pred, **kwargs):
    y_true, y_pred = arr(y_true), arr(y_pred)
    fn = keras.losses.get({"class_name": loss, "config": kwargs}) if kwargs else keras.losses.get(loss)
    value = float(np.asarray(fn(y_true, y_pred)))
    per_sample_fn = keras.losses.get(loss)
    # Per-sample values: the reduction='none' form of the same loss object.
    cfg = fn.get_config()
    cfg["reduction"] = None
    none_fn = fn.__class__.from_config(cfg)
    per_sample = floats(none_fn(y_true, y_pred))
    loss_cases.append({
        "name": name, "loss": loss, "from_logits": bool(kwargs.get("from_logits", False)),
        "y_true": y_true.tolist(), "y_pred": y_pred.tolist(),
        "per_sample": per_sample, "value": value,
    })


prices = [[24.0], [21.6], [34.7], [33.4], [36.2], [15.0]]
price_preds = [[22.1], [25.0], [30.2], [0.7], [36.2], [-1.5]]
labels01 = [[0.0], [1.0], [1.0], [0.0], [1.0], [0.0]]
probs01 = [[0.1], [0.8], [0.45], [0.6], [1.0], [0.0]]
logits01 = [[-2.0], [1.5], [-0.2], [0.4], [9.0], [-20.0]]
onehot = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]
softmax_rows = [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.0, 0.05, 0.95], [0.6, 0.4, 0.0]]
unnormalised = [[1.4, 0.4, 0.2], [0.3, 0.3, 0.4], [0.0, 0.1, 1.9], [0.9, 0.6, 0.0]]
logits3 = [[2.0, 0.5, -1.0], [0.1, 0.2, 0.3], [-3.0, 1.0, 4.0], [0.0, 5.0, -5.0]]
sparse = [[0], [1], [2], [1]]

loss_case("mse on prices", "MeanSquaredError", prices, price_preds)
loss_case("mae on prices", "MeanAbsoluteError", prices, price_preds)
loss_case("mape on prices", "MeanAbsolutePercentageError", prices, price_preds)
loss_case("mape with zero targets", "MeanAbsolutePercentageError", [[0.0], [2.0], [0.0]], [[0.5], [1.0], [0.0]])
loss_case("huber on prices", "Huber", prices, price_preds)
loss_case("huber small errors", "Huber", [[0.0, 1.0], [2.0, 3.0]], [[0.3, 0.2], [2.9, 3.1]])
loss_case("mse two columns", "MeanSquaredError", [[1.0, 2.0], [3.0, 4.0]], [[1.5, 1.0], [2.0, 6.0]])
loss_case("binary ce on probabilities", "BinaryCrossentropy", labels01, probs01)
loss_case("binary ce from logits", "BinaryCrossentropy", labels01, logits01, from_logits=True)
loss_case("binary ce on one-hot softmax rows", "BinaryCrossentropy", onehot, softmax_rows)
loss_case("binary ce on prices (clipped)", "BinaryCrossentropy", prices, [[0.3], [0.9], [0.99], [0.5], [0.0], [1.0]])
loss_case("categorical ce on softmax rows", "CategoricalCrossentropy", onehot, softmax_rows)
loss_case("categorical ce normalises rows", "CategoricalCrossentropy", onehot, unnormalised)
loss_case("categorical ce from logits", "CategoricalCrossentropy", onehot, logits3, from_logits=True)
loss_case("sparse categorical ce", "SparseCategoricalCrossentropy", sparse, softmax_rows)
loss_case("sparse categorical ce from logits", "SparseCategoricalCrossentropy", sparse, logits3, from_logits=True)
loss_case("binary ce with softmax on one unit", "BinaryCrossentropy", labels01, [[1.0]] * 6)

metric_cases = []


def metric_case(name, loss, metrics, y_true, y_pred, from_logits=False):
    y_true, y_pred = arr(y_true), arr(y_pred)
    units = y_pred.shape[-1]
    inputs = keras.Input(shape=(units,))
    outputs = keras.layers.Dense(units, kernel_initializer="identity", bias_initializer="zeros")(inputs)
    model = keras.Model(inputs, outputs)
    # A loss *object* for from_logits: keras.losses.get() with a snake-case name returns the
    # plain function and would silently drop the option.
    classes = {"binary_crossentropy": keras.losses.BinaryCrossentropy,
               "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
               "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy}
    loss_obj = classes[loss](from_logits=True) if from_logits else loss
    model.compile(loss=loss_obj, metrics=metrics, optimizer="adam")
    result = model.evaluate(y_pred, y_true, batch_size=len(y_pred), verbose=0, return_dict=True)
    resolved = []
    for m in model.metrics:
        if hasattr(m, "metrics"):
            resolved += [type(x).__name__ for x in m.metrics]
    metric_cases.append({
        "name": name, "loss": loss, "from_logits": from_logits, "metrics": metrics,
        "y_true": y_true.tolist(), "y_pred": y_pred.tolist(),
        "result": {k: float(v) for k, v in result.items()},
        "keras_metric_classes": resolved,
        # The Keras 2.0-2.2 binary accuracy, for the record: mean(round(y_pred) == y_true).
        "keras_2_0_rounded_binary_accuracy": float(np.mean(np.round(y_pred) == y_true)) if units == 1 else None,
    })


metric_case("accuracy with mse on house prices", "mean_squared_error", ["accuracy"], prices, price_preds)
metric_case("accuracy with mse on near-binary prices", "mean_squared_error", ["accuracy", "mae"], [[1.0], [0.0], [1.0], [3.0]], [[0.7], [0.2], [0.4], [2.6]])
metric_case("accuracy with binary ce", "binary_crossentropy", ["accuracy"], labels01, probs01)
metric_case("accuracy with binary ce on one-hot softmax", "binary_crossentropy", ["accuracy"], onehot, softmax_rows)
metric_case("accuracy with categorical ce", "categorical_crossentropy", ["accuracy"], onehot, softmax_rows)
metric_case("accuracy with sparse labels", "sparse_categorical_crossentropy", ["accuracy"], sparse, softmax_rows)
metric_case("accuracy with logits", "binary_crossentropy", ["accuracy"], labels01, logits01, from_logits=True)
metric_case("explicit metrics", "mean_squared_error", ["mse", "mae", "binary_accuracy"], labels01, probs01)
metric_case("categorical and sparse accuracy names", "categorical_crossentropy", ["categorical_accuracy"], onehot, softmax_rows)
metric_case("sparse categorical accuracy", "sparse_categorical_crossentropy", ["sparse_categorical_accuracy"], sparse, softmax_rows)
metric_case("sparse categorical accuracy from logits", "sparse_categorical_crossentropy", ["sparse_categorical_accuracy"], sparse, logits3, from_logits=True)
metric_case("categorical accuracy from logits", "categorical_crossentropy", ["accuracy"], onehot, logits3, from_logits=True)

out = {
    "generated_by": "Tests/Fixtures/keras-reference/make_reference.py",
    "keras_version": keras.__version__,
    "backend": keras.backend.backend(),
    "numpy_version": np.__version__,
    "losses": loss_cases,
    "metrics": metric_cases,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"wrote {len(loss_cases)} loss cases and {len(metric_cases)} metric cases to {path}")
