#!/bin/sh
# Re-record every scenario: model files and the merged stdout+stderr log (verbose=1, piped).
cd "$(dirname "$0")" || exit 2
for name in healthy_iris bce_multiclass softmax_single_unit dropout_one from_logits_on_sigmoid linear_into_bce \
            cce_integer_labels sparse_onehot_labels nan_loss diverging overfitting loss_weight_dominance regularized_two_heads small_set_overfitting \
            early_stopping_no_restore; do
    KERAS_BACKEND=jax "${FITWATCH_K3_PYTHON:-python3}" scenarios.py k3 "$name" > "../k3_$name.log" 2>&1
    echo "k3 $name: exit $?"
done
for name in softmax_single_unit dropout_one cce_integer_labels sparse_onehot_labels from_logits_on_sigmoid regression_accuracy \
            softmax_single_unit_prf overfitting; do
    TF_CPP_MIN_LOG_LEVEL=0 "${FITWATCH_TFK_PYTHON:-python3}" scenarios.py tfk "$name" > "../tfk_$name.log" 2>&1
    echo "tfk $name: exit $?"
done
