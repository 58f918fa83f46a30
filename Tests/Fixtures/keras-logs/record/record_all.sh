#!/bin/sh
# Re-records every fitwatch-made fixture (real Keras runs); about 10 minutes on 2 CPU cores.
set -e
cd "$(dirname "$0")"
for flavour in k3 tfk; do
  py=${FITWATCH_K3_PYTHON:-python3}; [ $flavour = tfk ] && py=${FITWATCH_TFK_PYTHON:-python3}
  for mode in pipe tty; do
    $py record.py $flavour verbose2 $mode
    $py record.py $flavour callbacks $mode
    $py record.py $flavour killed $mode 1
  done
  $py record.py $flavour nan pipe
  $py record.py $flavour softmax1 tty
done
