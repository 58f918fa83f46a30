import ArgumentParser

/// Options every monitoring command shares (`watch`, `train`, `run`, `replay`).
struct WatchOptions: ParsableArguments {
    @Option(name: .long, help: "Theme name (dark, light, solarized-dark, high-contrast, monochrome) or a theme file.")
    var theme: String?

    @Flag(name: .long, help: "Ring the terminal bell when a new finding appears.")
    var bell = false

    @Flag(name: .long, help: "Send a desktop notification through the terminal (OSC 9 / OSC 777 / kitty's OSC 99, else the bell; FITWATCH_NOTIFY=osc9|osc777|osc99|bell|off overrides) when a run finishes, fails or stops early, or a new warning appears.")
    var notify = false

    @Option(name: .customLong("on-event"), help: ArgumentHelp(
        "Run CMD (with /bin/sh -c) for each run event (finished, failed, early-stopped, interrupted, a new finding) with the event as one JSON object on stdin, as --jsonl prints it; 10 s each, at most 4 at once.",
        valueName: "CMD"))
    var onEvent: String?

    @Flag(name: .long, help: "Print one JSON object per line (epochs, findings, source states) instead of the screen.")
    var jsonl = false

    @Flag(name: .long, help: "Print finished epochs and findings as lines instead of the screen (automatic when stdout is not a terminal).")
    var headless = false

    @Option(name: .long, help: "A Keras model file (.keras or model.to_json()) describing the run's model and compile config.")
    var model: String?

    @Option(name: .long, help: "Force the log format instead of detecting it (keras3, keras2, keras1, keras-verbose2, csvlogger, tensorboard, fitwatch-callback).")
    var format: String?
}
