"""Models shared by make_fixtures.py and scenarios.py."""


def two_heads(keras):
    """x -> A -> B, B -> C -> out1 (mse), B -> D -> out2 (sigmoid, BCE); loss weights 1.0 / 0.2;
    metrics mae on out1 and accuracy on out2."""
    inputs = keras.Input(shape=(8,), name="x")
    a = keras.layers.Dense(32, activation="relu", name="A")(inputs)
    b = keras.layers.Dense(16, activation="relu", name="B")(a)
    c = keras.layers.Dense(8, activation="relu", name="C")(b)
    d = keras.layers.Dense(8, activation="relu", name="D")(b)
    out1 = keras.layers.Dense(1, name="out1")(c)
    out2 = keras.layers.Dense(1, activation="sigmoid", name="out2")(d)
    model = keras.Model(inputs, [out1, out2], name="two_heads")
    model.compile(optimizer="adam", loss={"out1": "mse", "out2": "binary_crossentropy"},
                  loss_weights={"out1": 1.0, "out2": 0.2}, metrics={"out1": ["mae"], "out2": ["accuracy"]})
    return model


def two_heads_data(rng, rows):
    """Inputs and the two targets: out1 the sum of the features, out2 whether the first is positive."""
    x = rng.normal(size=(rows, 8)).astype("float32")
    return x, {"out1": x.sum(axis=1, keepdims=True), "out2": (x[:, :1] > 0).astype("float32")}
