import Dispatch
import Foundation

/// Time for sources that pace themselves (replay): injected so tests drive it by hand.
public protocol FeedClock: Sendable {
    /// Seconds since an arbitrary fixed origin.
    var now: Double { get }
    /// Run `action` on `queue` once `seconds` have passed.
    func schedule(after seconds: Double, on queue: DispatchQueue, _ action: @escaping @Sendable () -> Void)
}

/// The real clock: monotonic uptime and `asyncAfter`.
public struct SystemClock: FeedClock {
    public init() {}

    public var now: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    public func schedule(after seconds: Double, on queue: DispatchQueue, _ action: @escaping @Sendable () -> Void) {
        queue.asyncAfter(deadline: .now() + max(0, seconds), execute: action)
    }
}

/// A clock that moves only when told: `advance(by:)` runs every action that came due, in
/// time order, each synchronously on its queue, so a test sees their effects right after.
public final class ManualClock: FeedClock, @unchecked Sendable {
    private let lock = NSLock()
    private var time: Double = 0
    private var scheduled: [(due: Double, order: Int, queue: DispatchQueue, action: @Sendable () -> Void)] = []
    private var counter = 0

    public init() {}

    public var now: Double {
        lock.lock(); defer { lock.unlock() }
        return time
    }

    public func schedule(after seconds: Double, on queue: DispatchQueue, _ action: @escaping @Sendable () -> Void) {
        lock.lock()
        counter += 1
        scheduled.append((time + max(0, seconds), counter, queue, action))
        lock.unlock()
    }

    /// Move time forward, running what came due (including actions those schedule).
    public func advance(by seconds: Double) {
        lock.lock()
        let target = time + seconds
        lock.unlock()
        while true {
            lock.lock()
            guard let next = scheduled.enumerated()
                .filter({ $0.element.due <= target })
                .min(by: { ($0.element.due, $0.element.order) < ($1.element.due, $1.element.order) }) else {
                time = target
                lock.unlock()
                return
            }
            scheduled.remove(at: next.offset)
            time = max(time, next.element.due)
            lock.unlock()
            next.element.queue.sync(execute: next.element.action)
        }
    }

}
