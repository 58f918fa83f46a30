/// A source that takes Ctrl-C itself (the wrapped command): the monitor and the headless
/// runner forward the first interrupt to it instead of quitting, and quit once it ended.
public protocol InterruptibleFeed: Feed {
    /// Deliver an interrupt; false when there is nothing left to interrupt.
    func interrupt() -> Bool
    /// The command's exit status once it ended; fitwatch exits with it.
    var exitStatus: Int32? { get }
}
