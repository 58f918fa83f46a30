// fitwatch benchmarks: `swift run -c release fitwatch-bench [NAME...]`.
// Every figure is printed next to a baseline measured in the same run.
print("fitwatch-bench: no benchmarks yet")
