#!/bin/sh
# Re-records every wild.py fixture (real Keras runs on each backend). Set FITWATCH_PY_K3JAX,
# FITWATCH_PY_K3TORCH, FITWATCH_PY_K3TF and FITWATCH_PY_TFK to the pythons of venvs holding
# keras 3.15.1 + jax, keras 3.15.1 + torch, keras 3.15.1 + tensorflow(-cpu), tf-keras; a
# flavour whose variable is unset is skipped. Pass flavours as arguments to record only those.
set -e
cd "$(dirname "$0")"
flavours=${*:-"k3jax k3torch k3tf tfk"}
for flavour in $flavours; do
  case $flavour in
    k3jax) py=$FITWATCH_PY_K3JAX ;; k3torch) py=$FITWATCH_PY_K3TORCH ;;
    k3tf) py=$FITWATCH_PY_K3TF ;; tfk) py=$FITWATCH_PY_TFK ;;
  esac
  [ -n "$py" ] || { echo "skipping $flavour: no interpreter given"; continue; }
  scenarios="oneepoch oneepoch_v2 resumed valfreq_lr logging"
  case $flavour in k3tf|tfk) scenarios="$scenarios unknown" ;; esac
  for scenario in $scenarios; do
    for mode in pipe tty; do
      echo "$flavour $scenario $mode"
      python3 record_wild.py $flavour $scenario $mode
    done
  done
  python3 record_wild.py $flavour acc_regression pipe
  for scenario in oneepoch logging; do
    echo "$flavour $scenario merged"
    python3 record_wild.py $flavour $scenario merged
  done
done
