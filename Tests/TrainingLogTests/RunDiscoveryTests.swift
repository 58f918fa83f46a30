import Testing
import TrainingLog

/// The discovery rules, on listings as the local walk and the remote `find` give them.
struct RunDiscoveryTests {
    @Test func everyLogFileIsARunNamedByItsPathUnderTheRoot() {
        let files = ["runs/lr=0.01,bs=32/train.log", "runs/a/b/metrics.csv", "runs/slurm-17.out", "runs/model.json",
                     "runs/a/.hidden.log", "runs/.cache/x.log", "runs/notes.md", "runs/cb.jsonl"]
        let result = RunDiscovery.runs(files: files, root: "runs/")
        #expect(result.runs.map(\.name) == ["a/b/metrics.csv", "cb.jsonl", "lr=0.01,bs=32/train.log", "slurm-17.out"])
        #expect(result.runs.allSatisfy { $0.kind == .log })
        #expect(result.runs.first?.path == "runs/a/b/metrics.csv")
        #expect(result.dropped == 0)
    }

    @Test func aTrainAndValidationPairIsOneTensorBoardRunNamedByItsFolder() {
        let files = ["logs/lr=0.1/train/events.out.tfevents.1.host.v2", "logs/lr=0.1/validation/events.out.tfevents.2.host.v2",
                     "logs/lr=0.1/train/events.out.tfevents.0.host.v2", "logs/solo/events.out.tfevents.3.v2",
                     "logs/lr=0.1/train.log"]
        let result = RunDiscovery.runs(files: files, root: "logs")
        #expect(result.runs.map(\.name) == ["lr=0.1", "lr=0.1/train.log", "solo"])
        let pair = result.runs[0]
        #expect(pair.kind == .tensorBoard)
        #expect(pair.path == "logs/lr=0.1")
        #expect(pair.groups == [
            DirectoryRun.Group(prefix: "", files: ["logs/lr=0.1/train/events.out.tfevents.0.host.v2",
                                                   "logs/lr=0.1/train/events.out.tfevents.1.host.v2"]),
            DirectoryRun.Group(prefix: "val_", files: ["logs/lr=0.1/validation/events.out.tfevents.2.host.v2"]),
        ])
        #expect(pair.prefix(ofEventFile: "logs/lr=0.1/validation/events.out.tfevents.2.host.v2") == "val_")
        #expect(result.runs[2].groups.map(\.prefix) == [""])
    }

    @Test func aRootThatIsItselfARunIsNamedAsGiven() {
        // `fitwatch logs/fit/1` names the TensorBoard run it points at, never its parent.
        let result = RunDiscovery.runs(files: ["logs/fit/1/train/events.out.tfevents.1.v2",
                                               "logs/fit/1/validation/events.out.tfevents.2.v2"], root: "logs/fit/1/")
        #expect(result.runs.map(\.name) == ["logs/fit/1/"])
        // An event file directly in the root belongs to the root, even if it is called train.
        #expect(RunDiscovery.tensorBoardRun(ofEventFile: "x/train/events.out.tfevents.1", root: "x/train").folder == "x/train")
        #expect(RunDiscovery.relativeName("./runs/a.log", root: ".") == "runs/a.log")
    }

    @Test func aGlobMatchesWithinOneFolderAndNamesRelativeToItsFixedPart() {
        let glob = PathGlob("runs/*/train.log")
        #expect(glob.root == "runs")
        #expect(glob.depth == 2)
        #expect(glob.matches("runs/a/train.log"))
        #expect(!glob.matches("runs/a/b/train.log"), "* does not cross a /")
        #expect(!glob.matches("runs/.old/train.log"), "* does not match a leading dot")
        #expect(glob.mayContain("runs/a") && !glob.mayContain("runs/a/b"))
        let slurm = PathGlob("/scratch/slurm-[0-9]*.out")
        #expect(slurm.root == "/scratch")
        #expect(slurm.matches("/scratch/slurm-1234.out") && !slurm.matches("/scratch/slurm-x.out"))
        #expect(PathGlob("run?.txt").matches("./run1.txt") && PathGlob("run?.txt").root == ".")
        #expect(PathGlob("r[!a]n").matches("r-n") && !PathGlob("r[!a]n").matches("ran"))
        // A glob's matches are runs whatever their name; the rest of a walk follows the rules.
        let result = RunDiscovery.runs(files: ["runs/a/train.stdout", "runs/b/other.bin"], root: glob.root,
                                       explicit: ["runs/a/train.stdout"])
        #expect(result.runs.map(\.name) == ["a/train.stdout"])
        #expect(RunDiscovery.isGlob("runs/*/x.log") && !RunDiscovery.isGlob("runs/x.log"))
    }

    @Test func pastTheLimitsTheRestIsCountedAndSaidInOneLine() {
        let files = (1...12).map { "runs/run\($0 < 10 ? "0" : "")\($0).log" }
        let limits = RunDiscovery.Limits(maxDepth: 2, maxRuns: 10)
        let result = RunDiscovery.runs(files: files, root: "runs", limits: limits, tooDeep: true)
        #expect(result.runs.count == 10)
        #expect(result.runs.last?.name == "run10.log", "the first ten by name")
        #expect(result.dropped == 2)
        #expect(RunDiscovery.note(result, root: "runs", limits: limits)
                == "runs: 12 runs found, following the first 10 by name; not looking deeper than 2 folders (name a deeper folder to see its runs)")
        #expect(RunDiscovery.note(RunDiscovery.runs(files: files, root: "runs"), root: "runs", limits: .init()) == nil)
    }

    @Test func theHostGoesInFrontOnlyWhenSeveralHostsAreShown() {
        #expect(RunDiscovery.displayName("b/train.log", host: "gpu1", severalHosts: true) == "gpu1:b/train.log")
        #expect(RunDiscovery.displayName("b/train.log", host: "gpu1", severalHosts: false) == "b/train.log")
        #expect(RunDiscovery.displayName("b/train.log", host: nil, severalHosts: true) == "b/train.log")
    }
}
