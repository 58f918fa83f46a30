#!/bin/sh
# Re-records every healthy run (real Keras; about 20 minutes on 2 CPU cores). Set
# FITWATCH_K3_PYTHON (Keras 3 + jax) and FITWATCH_TFK_PYTHON (tf-keras) to the interpreters,
# e.g. of venvs made with `pip install --only-binary=:all: "keras>=3" "jax[cpu]"` and
# `pip install tensorflow-cpu tf-keras`.
cd "$(dirname "$0")"
for scenario in cancer_binary iris_f1 wine_plateau housing_regression digits_schedule linnerud_heads \
                cancer_two_heads wine_long housing_checkpoint wine_tiny_validation; do
  python3 record.py k3 $scenario pipe
done
for scenario in cancer_small_validation wine_f1_plateau housing_schedule digits_heads cancer_two_heads; do
  python3 record.py tfk $scenario pipe
done
python3 record.py k3 cancer_binary tty
python3 record.py tfk cancer_small_validation tty
