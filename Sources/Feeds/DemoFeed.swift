import TrainingCore

/// The built-in demo: the training core running the bundled Boston "accuracy with mse"
/// spec, paced at 60 ms per epoch (100 epochs in about 6 s) so the accuracy warning appears
/// while a person watches rather than after the run is already over.
public enum DemoFeed {
    /// Seconds between epochs: slow enough to watch, fast enough not to bore.
    public static let epochDelay = 0.06

    /// A paced `TrainingFeed` over the bundled Boston spec.
    public static func make() throws -> any Feed {
        guard let url = DemoCatalog.spec(named: DemoCatalog.demoName) else {
            throw FeedFactory.BadSource("fitwatch: the bundled demo spec \(DemoCatalog.demoName).toml is missing")
        }
        do {
            let session = try TrainingSession(contentsOf: url)
            return TrainingFeed(id: SourceID("demo: \(session.spec.name)"), session: session, epochDelay: epochDelay)
        } catch {
            throw FeedFactory.BadSource("fitwatch: demo: \(error)")
        }
    }
}
