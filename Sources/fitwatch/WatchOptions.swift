import ArgumentParser

/// Options every monitoring command shares (`watch`, `train`, `run`, `replay`).
struct WatchOptions: ParsableArguments {
    @Option(name: .long, help: "Theme name (dark, light, solarized-dark, high-contrast, monochrome) or a theme file.")
    var theme: String?

    @Flag(name: .long, help: "Ring the terminal bell when a new finding appears.")
    var bell = false

    @Flag(name: .long, help: "Print one JSON object per line (epochs, findings, source states) instead of the screen.")
    var jsonl = false

    @Flag(name: .long, help: "Print finished epochs and findings as lines instead of the screen (automatic when stdout is not a terminal).")
    var headless = false

    @Option(name: .long, help: "A Keras model file (.keras or model.to_json()) describing the run's model and compile config.")
    var model: String?

    @Flag(name: .long, help: "Start with the default screen state instead of the one saved for these sources (theme, smoothing, scale, x axis, view).")
    var fresh = false

    @Option(name: .long, help: "Force the log format instead of detecting it (keras3, keras2, keras1, keras-verbose2, csvlogger, tensorboard, fitwatch-callback).")
    var format: String?
}
