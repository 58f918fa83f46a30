// fitwatch benchmarks: `swift run -c release fitwatch-bench [NAME...]`.
// Every figure is printed next to a baseline measured in the same run.
let requested = Set(CommandLine.arguments.dropFirst())
func wants(_ name: String) -> Bool { requested.isEmpty || requested.contains(name) }

if wants("feeds") { FeedBenchmark.run() }
if wants("monitor") { MonitorBenchmark.run() }
// The grid view is part of the monitor's benchmark (the chart issue's goal), and runs alone as `grid`.
if wants("monitor") || requested.contains("grid") { GridBenchmark.run() }
if wants("logs") { LogParseBenchmark.run() }
if wants("widgets") { WidgetBenchmark.run() }
if wants("core") { CoreBenchmark.run() }
if wants("callback-stream") { CallbackStreamBenchmark.run() }
if wants("diagnostics") { DiagnosticsBenchmark.run() }
if wants("rules") { RulesBenchmark.run() }
if wants("scaling") { ScalingBenchmark.run() }
if wants("memory-bound") { MemoryBoundBenchmark.run() }
if wants("sweep") { SweepBenchmark.run() }
if wants("hosts") { HostsBenchmark.run() }
if wants("tensorboard-sweep") { TensorBoardSweepBenchmark.run() }
if wants("plot") { PlotBenchmark.run() }
if wants("table") { TableBenchmark.run() }
