/// The built-in demo: the training core running the Boston "accuracy with mse" spec.
/// Owned by the training core work (issue 3).
public enum DemoFeed {
    public static func make() throws -> any Feed {
        throw FeedFactory.BadSource("fitwatch: the demo is not built yet")
    }
}
