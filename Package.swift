// swift-tools-version: 6.1
import PackageDescription

// One responsibility per target; see ARCHITECTURE.md. Pure targets never import
// CNcursesw, Dispatch-based feeds or the file system beyond reading what they are given.
let package = Package(
    name: "fitwatch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fitwatch", targets: ["fitwatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        // MARK: C edge
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),

        // MARK: terminal (pure)
        .target(
            name: "TerminalCore"
        ),

        // MARK: TOML text checked before the TOML parser sees it (pure; themes and run specs)
        .target(
            name: "TOMLPreflight"
        ),

        // MARK: widgets and themes (pure)
        .target(
            name: "Widgets",
            dependencies: ["TerminalCore", "TOMLKit", "TOMLPreflight"]
        ),

        // MARK: Keras semantics (pure)
        .target(
            name: "KerasModel",
            dependencies: [
                .product(name: "Collections", package: "swift-collections"),
                "ZIPFoundation",
            ]
        ),

        // MARK: events, history, log readers (pure)
        .target(
            name: "TrainingLog",
            dependencies: [
                "KerasModel",
                .product(name: "Collections", package: "swift-collections"),
            ]
        ),

        // MARK: diagnostics (pure)
        .target(
            name: "Diagnostics",
            dependencies: ["TrainingLog", "KerasModel"]
        ),

        // MARK: training core (pure, seeded)
        .target(
            name: "TrainingCore",
            dependencies: ["TrainingLog", "KerasModel", "TOMLKit", "TOMLPreflight"],
            resources: [.copy("DemoData")],
            // Swift's Float.squareRoot() inlines C's __builtin_sqrtf, which with glibc's default
            // math-errno becomes a NaN check plus a sqrtf call per element: Adam's update was a
            // quarter of the digits fit. Without errno it vectorises to sqrtps.
            swiftSettings: [.unsafeFlags(["-Xcc", "-fno-math-errno"])]
        ),

        // MARK: the run model (pure): source facts folded into what every surface reports
        .target(
            name: "RunModel",
            dependencies: ["TrainingLog", "KerasModel", "Diagnostics"]
        ),

        // MARK: sharing (pure): the SVG plot, the Markdown check report, terminal notifications
        .target(
            name: "Sharing",
            dependencies: ["TerminalCore", "Widgets", "Monitor", "RunModel", "TrainingLog", "Diagnostics"]
        ),

        // MARK: feeds (edge: files, processes, ssh, clocks)
        .target(
            name: "Feeds",
            dependencies: ["RunModel", "TrainingLog", "TrainingCore"]
        ),

        // MARK: monitor app state, update, view (pure)
        .target(
            name: "Monitor",
            dependencies: ["TerminalCore", "Widgets", "TrainingLog", "KerasModel", "Diagnostics", "RunModel"]
        ),

        // MARK: the main loop over any terminal backend (edge: poll, Dispatch)
        .target(
            name: "MonitorRuntime",
            dependencies: ["Monitor", "RunModel", "Feeds", "TerminalCore"]
        ),

        // MARK: the only ncurses caller
        .target(
            name: "CursesBackend",
            dependencies: ["CNcursesw", "TerminalCore"]
        ),

        // MARK: command line and wiring
        .executableTarget(
            name: "fitwatch",
            dependencies: [
                "TerminalCore", "Widgets", "TrainingLog", "KerasModel", "Diagnostics",
                "TrainingCore", "RunModel", "Feeds", "Monitor", "MonitorRuntime", "CursesBackend", "Sharing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: benchmarks (run with `swift run -c release fitwatch-bench`)
        .executableTarget(
            name: "fitwatch-bench",
            dependencies: ["TerminalCore", "Widgets", "TrainingLog", "KerasModel", "Diagnostics",
                           "TrainingCore", "RunModel", "Feeds", "Monitor", "Sharing", "TestSupport"],
            path: "Benchmarks/fitwatch-bench"
        ),

        // MARK: tests
        .target(
            name: "TestSupport",
            dependencies: ["KerasModel"],
            path: "Tests/TestSupport"
        ),

        .testTarget(
            name: "TerminalCoreTests",
            dependencies: ["TerminalCore"]
        ),

        .testTarget(
            name: "WidgetsTests",
            dependencies: ["Widgets", "TerminalCore", "TestSupport"]
        ),

        .testTarget(
            name: "KerasModelTests",
            dependencies: ["KerasModel", "TestSupport"]
        ),

        .testTarget(
            name: "TrainingLogTests",
            dependencies: ["TrainingLog", "KerasModel", "TestSupport"]
        ),

        .testTarget(
            name: "DiagnosticsTests",
            dependencies: ["Diagnostics", "RunModel", "TrainingLog", "KerasModel", "TestSupport"]
        ),

        .testTarget(
            name: "TrainingCoreTests",
            dependencies: ["TrainingCore", "TrainingLog", "KerasModel", "TestSupport"]
        ),

        .testTarget(
            name: "RunModelTests",
            dependencies: ["RunModel", "Diagnostics", "TrainingLog", "KerasModel", "TestSupport"]
        ),

        .testTarget(
            name: "FeedsTests",
            dependencies: ["Feeds", "TrainingLog", "TestSupport"]
        ),

        .testTarget(
            name: "MonitorTests",
            dependencies: ["Monitor", "TerminalCore", "Widgets", "TrainingLog", "KerasModel", "Diagnostics", "Feeds", "TrainingCore", "TestSupport"],
            exclude: ["Snapshots"]
        ),

        .testTarget(
            name: "SharingTests",
            dependencies: ["Sharing", "Monitor", "RunModel", "Diagnostics", "TrainingLog", "Widgets", "TestSupport"]
        ),

        .testTarget(
            name: "MonitorRuntimeTests",
            dependencies: ["MonitorRuntime", "Monitor", "RunModel", "Feeds", "TerminalCore", "TrainingLog", "TestSupport"]
        ),

        .testTarget(
            name: "CursesBackendTests",
            dependencies: ["CursesBackend", "TerminalCore"]
        ),

        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "Monitor", "RunModel", "TerminalCore", "TrainingLog", "KerasModel"]
        ),

        .testTarget(
            name: "KerasCallbackTests",
            dependencies: ["TrainingLog", "KerasModel", "Diagnostics", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// MARK: fuzzing (only with FITWATCH_FUZZ=1; `scripts/fuzz.sh` sets it, see docs/fuzzing.md)
// A plain `swift build` / `swift test` never sees this target: it has no `main` (libFuzzer
// provides it) and needs `-sanitize=fuzzer`, which only the script passes.
if Context.environment["FITWATCH_FUZZ"] == "1" {
    package.targets.append(.executableTarget(
        name: "fitwatch-fuzz",
        dependencies: ["TrainingLog", "KerasModel", "Diagnostics", "RunModel", "TrainingCore", "Widgets", "TerminalCore"],
        path: "Fuzz/fitwatch-fuzz"
    ))
    package.products.append(.executable(name: "fitwatch-fuzz", targets: ["fitwatch-fuzz"]))
}
