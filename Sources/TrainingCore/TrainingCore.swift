/// The in-process training core: Keras-compatible training on a background queue.
/// See ARCHITECTURE.md; implementation lands with issue 3.
public enum TrainingCore {
    /// Marker for the module; replaced by the real API.
    public static let moduleName = "TrainingCore"
}
