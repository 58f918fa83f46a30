"""Stream a Keras training run to a JSON-lines file that fitwatch reads.

    from fitwatch_callback import FitwatchCallback
    model.fit(x, y, epochs=10, callbacks=[FitwatchCallback("run.fitwatch.jsonl")])
    # elsewhere: fitwatch run.fitwatch.jsonl   (or fitwatch user@host:/path/run.fitwatch.jsonl)

One file, no dependency beyond Keras itself: Keras 3 (any backend) and tf.keras /
tf-keras 2.x. The callback is duck-typed rather than a subclass of one Keras's
`Callback`, so the same object works with whichever Keras runs `fit` (with both Keras 3
and tf-keras installed, guessing the right base class at construction time is not
possible).

Stream format (one JSON object per line, every object carries `"fitwatch": 1` so a
reader joining mid-stream still recognises it; every line is flushed when written):

* `header`   at train begin: Keras version/flavour/backend, `model_config` (exactly
  `json.loads(model.to_json())`), `compile_config` (`model.get_compile_config()`),
  `compile` (losses, loss weights, metrics, optimizer class and config), `metric_objects`
  (the metric objects Keras built, when already built), `fit` (epochs, steps, batch size,
  validation, ...).
* `epoch_begin`, `batch` (running averages as the progress bar shows them), `epoch`
  (all logs, `val_*` included): epochs are 1-based as Keras prints them, `step` is the
  number of steps done in the epoch.
* `metrics`  after the first batch: the resolved metric objects with their class names
  (Keras builds them lazily on the first batch), e.g. `BinaryAccuracy`,
  `MeanMetricWrapper(categorical_accuracy)`.
* `event`    things a callback can see: `lr_change`, `nan`, `stop_training`
  (`reason`: `early_stopping` or `nan`).
* `evaluate` logs of an `evaluate()` run outside `fit` with this callback.
* `footer`   at train end (`status: finished`), or when an exception or Ctrl-C leaves
  `fit` (`interrupted` / `failed`, written by a `sys.excepthook` hook, an `atexit` hook,
  or at the latest when the same callback starts the next `fit`).

Non-finite floats are written as the strings "nan", "inf" and "-inf", so every line is
valid JSON. Several `fit` calls append to the same file: each writes a new header.
"""

import atexit
import functools
import json
import math
import os
import platform
import sys
import threading
import time
import weakref

__all__ = ["FitwatchCallback", "STREAM_VERSION"]

#: Version of the stream format; readers accept higher versions and ignore unknown keys.
STREAM_VERSION = 1

# Callbacks whose current segment has a header but no footer yet, for the exit hooks.
_OPEN_SEGMENTS = weakref.WeakSet()
_HOOKS_LOCK = threading.Lock()
_HOOKS_INSTALLED = False


def _install_exit_hooks():
    """Chain `sys.excepthook` and register `atexit` once per process."""
    global _HOOKS_INSTALLED
    with _HOOKS_LOCK:
        if _HOOKS_INSTALLED:
            return
        _HOOKS_INSTALLED = True
        previous = sys.excepthook

        def excepthook(kind, value, traceback):
            for callback in list(_OPEN_SEGMENTS):
                callback._close_segment_for_exception(value)
            previous(kind, value, traceback)

        sys.excepthook = excepthook
        atexit.register(_close_all_at_exit)


def _close_all_at_exit():
    for callback in list(_OPEN_SEGMENTS):
        error = getattr(sys, "last_value", None)
        if error is not None:
            callback._close_segment_for_exception(error)
        else:
            callback._write_footer("interrupted", "the process exited during fit")


def _guarded(method):
    """Run a hook so that no error of fitwatch's (a full disk, an unexpected Keras internals
    change) ever stops the user's training: the first one is reported on stderr, then the
    stream is switched off. KeyboardInterrupt and SystemExit pass through untouched."""

    @functools.wraps(method)
    def hook(self, *args, **kwargs):
        if self._disabled:
            return None
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            self._disabled = True
            sys.stderr.write("fitwatch: %s stopped writing %r: %s: %s (training goes on)\n"
                             % (method.__name__, getattr(self.path, "name", self.path), type(error).__name__, error))
            return None

    return hook


def _default(method):
    """Mark a no-op hook the way Keras 3 marks `Callback`'s own (`utils.python_utils.default`)."""
    method._is_default = True
    return method


def _number(value):
    """A JSON-safe float: non-finite values become "nan", "inf", "-inf"."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _scalar(value):
    """A Python float from a float, numpy scalar, 0-d or 1-element array or tensor; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except Exception:
        pass
    for attribute in ("numpy", "__array__"):
        method = getattr(value, attribute, None)
        if method is None:
            continue
        try:
            array = method()
            if getattr(array, "size", 0) == 1:
                return float(array.reshape(-1)[0])
        except Exception:
            pass
    return None


def _jsonable(value, depth=0):
    """Anything Keras hands us, as JSON-safe data (config dicts, numpy values, objects)."""
    if depth > 40:
        return repr(value)
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dict):
        return {str(key): _jsonable(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(item, depth + 1) for item in value]
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if kind is not None and getattr(value, "size", 1) == 1:
        try:
            if kind in "iu":  # numpy integers stay integers (a batch size of 32, not 32.0)
                return int(value)
            if kind == "b":
                return bool(value)
        except Exception:
            pass
        scalar = _scalar(value)
        if scalar is not None:
            return _number(scalar)
    if kind is not None and callable(getattr(value, "tolist", None)):
        try:
            return _jsonable(value.tolist(), depth + 1)
        except Exception:
            pass
    get_config = getattr(value, "get_config", None)
    if callable(get_config):
        try:
            return {"class_name": type(value).__name__, "config": _jsonable(get_config(), depth + 1)}
        except Exception:
            pass
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    return repr(value)


def _logs(logs):
    """Metric logs as {name: float or "nan"}; non-numeric entries are kept as text."""
    result = {}
    for key, value in (logs or {}).items():
        if key in ("batch", "size"):  # Keras 2.x bookkeeping keys, not metrics
            continue
        scalar = _scalar(value)
        result[str(key)] = _number(scalar) if scalar is not None else _jsonable(value)
    return result


def _keras_identity(model):
    """(version, flavour, module, backend) of the Keras that built `model`."""
    module_name = "unknown"
    for klass in type(model).__mro__:  # a user's subclass lives in __main__: find Keras's class
        root = klass.__module__.split(".")[0]
        if root in ("keras", "tf_keras", "tensorflow"):
            module_name = root
            break
    module = sys.modules.get(module_name)
    version = getattr(module, "__version__", None)
    if module_name == "tf_keras":
        flavour = "tf_keras"
    elif module_name == "keras" and version and int(version.split(".")[0]) >= 3:
        flavour = "keras3"
    elif module_name in ("keras", "tensorflow"):
        flavour = "keras2"
        if module_name == "tensorflow":
            version = version and "tf-" + version
    else:
        flavour = "unknown"
    backend = None
    try:
        backend = module.backend.backend()
    except Exception:
        backend = "tensorflow" if flavour in ("tf_keras", "keras2") else None
    return version, flavour, module_name, backend


def _fit_frame_arguments(model):
    """Arguments of the running `model.fit` call (batch size, validation, data size).

    Keras does not hand these to callbacks (Keras 3's `params` holds only epochs, steps and
    verbose), so they are read from the `fit` frame on the stack; missing ones stay None.
    """
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "fit" and frame.f_locals.get("self") is model:
            names = frame.f_locals
            x = names.get("x")
            samples = None
            shape = getattr(x, "shape", None)
            if shape is not None and len(shape) > 0:
                samples = int(shape[0]) if shape[0] is not None else None
            split = names.get("validation_split") or 0.0
            return {
                "batch_size": names.get("batch_size"),
                "validation": bool(names.get("validation_data") is not None or split > 0),
                "validation_split": split,
                "validation_freq": _jsonable(names.get("validation_freq")),
                "initial_epoch": names.get("initial_epoch"),
                "shuffle": _jsonable(names.get("shuffle")),
                "samples": samples,
            }
        frame = frame.f_back
    return {}


def _learning_rate(model):
    """(value, is_schedule) of the optimizer's learning rate, or (None, False)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return None, False
    raw = getattr(optimizer, "_learning_rate", None)
    schedule = raw is not None and callable(raw) and not hasattr(raw, "assign")
    for name in ("learning_rate", "lr"):
        try:
            value = _scalar(getattr(optimizer, name))
        except Exception:
            value = None
        if value is not None:
            return value, schedule
    return None, schedule


def _metric_objects(model):
    """The metric objects Keras built, flattened, with class names; None before they exist."""
    found = []

    def visit(metric, depth, output=None):
        inner = getattr(metric, "metrics", None) if depth < 4 else None
        # Keras 3 wraps compiled metrics in CompileMetrics (one MetricsList per output, in
        # the order of its output names); tf-keras names them `out2_accuracy` already.
        if type(metric).__name__ == "CompileMetrics":
            names = getattr(metric, "_resolved_output_names", None) or getattr(metric, "output_names", None)
            for flat in (getattr(metric, "_flat_metrics", None), getattr(metric, "_flat_weighted_metrics", None)):
                if not isinstance(flat, list):
                    continue
                aligned = isinstance(names, (list, tuple)) and len(names) == len(flat) and len(flat) > 1
                for index, child in enumerate(flat):
                    if child is not None:
                        visit(child, depth + 1, names[index] if aligned else None)
            return
        if type(metric).__name__ in ("MetricsContainer", "MetricsList") and isinstance(inner, list):
            for child in inner:
                visit(child, depth + 1, output)
            return
        function = getattr(metric, "_fn", None)
        function_name = getattr(function, "__name__", None) if function is not None else None
        class_name = type(metric).__name__
        entry = {
            "name": getattr(metric, "name", None),
            "class_name": class_name,
            "display": "%s(%s)" % (class_name, function_name) if function_name and class_name == "MeanMetricWrapper" else class_name,
        }
        if function_name:
            entry["fn"] = function_name
        if output is not None:
            entry["output"] = output
        try:
            entry["config"] = _jsonable(metric.get_config())
        except Exception:
            pass
        found.append(entry)

    # Keras builds compiled metrics on the first batch; before that, report "not built yet".
    built = getattr(getattr(model, "_compile_metrics", None), "built", None)  # Keras 3
    if built is None:
        built = getattr(getattr(model, "compiled_metrics", None), "_built", None)  # tf-keras
    if built is False:
        return None
    try:
        metrics = list(model.metrics)
    except Exception:
        return None
    for metric in metrics:
        visit(metric, 0)
    return found


def _compile_config(model):
    """`model.get_compile_config()` when this Keras has it (Keras 3, tf-keras >= 2.13)."""
    getter = getattr(model, "get_compile_config", None)
    if callable(getter):
        try:
            config = getter()
            if config:
                return _jsonable(config)
        except Exception:
            pass
    # Older tf.keras: rebuild the same shape from the attributes compile() sets.
    config = {}
    for key, attribute in (("loss", "loss"), ("loss_weights", "compiled_loss._user_loss_weights"),
                           ("metrics", "compiled_metrics._user_metrics")):
        value = model
        for part in attribute.split("."):
            value = getattr(value, part, None)
        config[key] = _jsonable(value)
    optimizer = getattr(model, "optimizer", None)
    config["optimizer"] = _jsonable(optimizer) if optimizer is not None else None
    return config


class FitwatchCallback(object):
    """A Keras callback writing the fitwatch JSON-lines stream to `path`.

    Args:
        path: file to append to (created if missing), or an object with `write()` (and
            optionally `flush()`), e.g. `sys.stdout`.
        batches: write a batch record every `batches` steps (1: every step). Epoch records
            are always written.
    """

    def __init__(self, path, batches=1):
        self.path = path
        self.batches = max(1, int(batches))
        self.model = None
        self.params = {}
        self.validation_data = None  # tf-keras reads this attribute
        self._supports_tf_logs = False
        self._chief_worker_only = None
        self._lock = threading.RLock()
        self._fd = None
        self._in_fit = False
        self._segment_open = False
        self._epoch = None
        self._epoch_started = None
        self._epochs_run = 0
        self._learning_rate = None
        self._schedule = False
        self._metrics_reported = False
        self._nan_reported = False
        self._stop_reported = False
        self._last_step = 0
        self._disabled = False

    # Keras plumbing (the subset of keras.callbacks.Callback that CallbackList uses).
    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params or {}

    def _implements_train_batch_hooks(self):
        return True

    def _implements_test_batch_hooks(self):
        return False

    def _implements_predict_batch_hooks(self):
        return False

    # Writing.
    def _open(self):
        if self._fd is not None or hasattr(self.path, "write"):
            return
        path = os.fspath(self.path)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        # A process killed mid-write leaves a torn last line: end it, so the next header
        # starts on a line of its own.
        try:
            size = os.fstat(self._fd).st_size
            if size > 0:
                with open(path, "rb") as existing:
                    existing.seek(size - 1)
                    if existing.read(1) != b"\n":
                        os.write(self._fd, b"\n")
        except OSError:
            pass

    def _write(self, record_type, **fields):
        record = {"fitwatch": STREAM_VERSION, "type": record_type, "time": round(time.time(), 6)}
        record.update(fields)
        line = json.dumps(_jsonable(record), allow_nan=False, separators=(",", ":")) + "\n"
        with self._lock:
            if hasattr(self.path, "write"):
                self.path.write(line)
                flush = getattr(self.path, "flush", None)
                if flush:
                    flush()
                return
            self._open()
            data = line.encode("utf-8")
            # One write() per record with O_APPEND: the record lands whole at the end of the
            # file even when another process appends too; loop for rare short writes.
            while data:
                written = os.write(self._fd, data)
                data = data[written:]

    def _close(self):
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _write_footer(self, status, error=None):
        with self._lock:
            if not self._segment_open:
                return
            self._segment_open = False
            _OPEN_SEGMENTS.discard(self)
            fields = {"status": status, "epochs_run": self._epochs_run}
            if self._epoch is not None and self._epoch_started is not None:
                fields["epoch"] = self._epoch
                fields["step"] = self._last_step
            if error:
                fields["error"] = error
            fields["stop_training"] = bool(getattr(self.model, "stop_training", False))
            try:
                if not self._disabled:
                    self._write("footer", **fields)
            except Exception:
                pass  # at exit or in an exception handler: nothing useful left to do with it
            finally:
                self._in_fit = False
                self._close()

    def _close_segment_for_exception(self, error):
        if isinstance(error, KeyboardInterrupt):
            self._write_footer("interrupted", "KeyboardInterrupt")
        else:
            self._write_footer("failed", "%s: %s" % (type(error).__name__, error))

    # Events a callback can see.
    def _check_learning_rate(self, epoch):
        if hasattr(self.model, "_jax_state") and getattr(self.model, "_jax_state", None) is not None:
            try:
                self.model.jax_state_sync()  # Keras 3 + jax keeps variables outside the model mid-epoch
            except Exception:
                pass
        value, schedule = _learning_rate(self.model)
        self._schedule = schedule
        if value is None:
            return None
        previous = self._learning_rate
        self._learning_rate = value
        if previous is not None and not schedule and value != previous:
            self._write("event", kind="lr_change", epoch=epoch, value=value, previous=previous,
                        text="Epoch %d: learning rate %.6g -> %.6g" % (epoch, previous, value))
        return value

    def _check_stop(self, epoch, reason_hint=None):
        if self._stop_reported or not getattr(self.model, "stop_training", False):
            return
        self._stop_reported = True
        reason = reason_hint or ("nan" if self._nan_reported else "early_stopping")
        text = ("Epoch %d: training stopped on a non-finite loss" % epoch if reason == "nan"
                else "Epoch %d: early stopping" % epoch)
        self._write("event", kind="stop_training", reason=reason, epoch=epoch, text=text)

    def _check_nan(self, logs, epoch, step):
        if self._nan_reported:
            return
        loss = logs.get("loss")
        if isinstance(loss, str) and loss in ("nan", "inf", "-inf"):
            self._nan_reported = True
            self._write("event", kind="nan", epoch=epoch, step=step,
                        text="Epoch %d, step %d: loss is %s" % (epoch, step, loss))

    # Callback hooks.
    @_guarded
    def on_train_begin(self, logs=None):
        with self._lock:
            if self._segment_open:
                # The previous fit ended without on_train_end (an exception its caller caught).
                error = getattr(sys, "last_value", None)
                if error is not None:
                    self._close_segment_for_exception(error)
                else:
                    self._write_footer("failed", "fit ended without on_train_end (an exception the caller caught)")
            self._in_fit = True
            self._epoch = None
            self._epoch_started = None
            self._epochs_run = 0
            self._metrics_reported = False
            self._nan_reported = False
            self._stop_reported = False
            self._last_step = 0
            model = self.model
            version, flavour, module, backend = _keras_identity(model)
            try:
                model_config = json.loads(model.to_json())
                model_error = None
            except Exception as error:  # subclassed models have no config
                model_config = None
                # Keras's explanation runs to 30 lines with an example; one line is enough.
                model_error = " ".join(("%s: %s" % (type(error).__name__, error)).split())[:240]
            compile_config = _compile_config(model)
            optimizer = getattr(model, "optimizer", None)
            optimizer_entry = None
            if optimizer is not None:
                try:
                    optimizer_config = _jsonable(optimizer.get_config())
                except Exception:
                    optimizer_config = None
                optimizer_entry = {"class_name": type(optimizer).__name__, "config": optimizer_config}
            compile_summary = {
                "loss": (compile_config or {}).get("loss"),
                "loss_weights": (compile_config or {}).get("loss_weights"),
                "metrics": (compile_config or {}).get("metrics"),
                "weighted_metrics": (compile_config or {}).get("weighted_metrics"),
                "optimizer": optimizer_entry,
            }
            fit = {"epochs": self.params.get("epochs"), "steps": self.params.get("steps"),
                   "verbose": self.params.get("verbose")}
            if "samples" in self.params:
                fit["samples"] = self.params.get("samples")
            fit.update({key: value for key, value in _fit_frame_arguments(model).items()
                        if value is not None or key not in fit})
            learning_rate, schedule = _learning_rate(model)
            self._learning_rate = learning_rate
            self._schedule = schedule
            metric_objects = _metric_objects(model)
            # Keras 3 builds them before on_train_begin; tf-keras only on the first batch.
            self._metrics_reported = metric_objects is not None
            self._write(
                "header",
                keras={"version": version, "flavour": flavour, "module": module, "backend": backend},
                python=platform.python_version(),
                host=platform.node(),
                pid=os.getpid(),
                model_config=model_config,
                model_error=model_error,
                compile_config=compile_config,
                compile=compile_summary,
                metric_objects=metric_objects,
                learning_rate=learning_rate,
                learning_rate_schedule=schedule,
                fit=fit,
            )
            self._segment_open = True
            _OPEN_SEGMENTS.add(self)
        _install_exit_hooks()

    @_guarded
    def on_epoch_begin(self, epoch, logs=None):
        with self._lock:
            self._epoch = epoch + 1
            self._epoch_started = time.time()
            self._last_step = 0
            self._write("epoch_begin", epoch=self._epoch, epochs=self.params.get("epochs"))
            # A change seen here was made after the previous epoch (ReduceLROnPlateau acts
            # in on_epoch_end): attribute it to that epoch, as Keras's own message does.
            self._check_learning_rate(self._epoch - 1 if self._epochs_run > 0 else self._epoch)

    @_guarded
    def on_train_batch_end(self, batch, logs=None):
        with self._lock:
            step = int(batch) + 1
            self._last_step = step
            values = _logs(logs)
            if step % self.batches == 0 or step == self.params.get("steps"):
                self._write("batch", epoch=self._epoch, step=step, steps=self.params.get("steps"), logs=values)
            self._check_nan(values, self._epoch or 0, step)
            if not self._metrics_reported:
                objects = _metric_objects(self.model)
                if objects is not None:
                    self._metrics_reported = True
                    self._write("metrics", metric_objects=objects)

    @_guarded
    def on_epoch_end(self, epoch, logs=None):
        with self._lock:
            number = epoch + 1
            now = time.time()
            seconds = now - self._epoch_started if self._epoch_started is not None else None
            values = _logs(logs)
            learning_rate = self._check_learning_rate(number)
            self._write("epoch", epoch=number, epochs=self.params.get("epochs"), steps=self._last_step or None,
                        seconds=None if seconds is None else round(seconds, 6),
                        learning_rate=learning_rate, logs=values)
            self._epochs_run += 1
            self._epoch_started = None
            self._check_nan(values, number, self._last_step)
            self._check_stop(number)

    @_guarded
    def on_train_end(self, logs=None):
        with self._lock:
            number = self._epoch or 0
            self._check_learning_rate(number)
            self._check_stop(number)
            self._write_footer("finished")

    @_guarded
    def on_test_end(self, logs=None):
        # Validation inside fit calls this too; only a stand-alone evaluate() is recorded.
        if self._in_fit:
            return
        with self._lock:
            self._write("evaluate", logs=_logs(logs))
            self._close()

    # Hooks this callback does not use, present because CallbackList calls all of them.
    # Marked as Keras 3 marks its base class's no-ops, so validation and predict batches
    # keep Keras 3's asynchronous callback dispatch.
    @_default
    def on_batch_begin(self, batch, logs=None):
        pass

    @_default
    def on_batch_end(self, batch, logs=None):
        pass

    @_default
    def on_train_batch_begin(self, batch, logs=None):
        pass

    @_default
    def on_test_begin(self, logs=None):
        pass

    @_default
    def on_test_batch_begin(self, batch, logs=None):
        pass

    @_default
    def on_test_batch_end(self, batch, logs=None):
        pass

    @_default
    def on_predict_begin(self, logs=None):
        pass

    @_default
    def on_predict_end(self, logs=None):
        pass

    @_default
    def on_predict_batch_begin(self, batch, logs=None):
        pass

    @_default
    def on_predict_batch_end(self, batch, logs=None):
        pass
