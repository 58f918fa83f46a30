import Dispatch
import Foundation

/// Turns SIGINT, SIGTERM, SIGHUP and SIGQUIT into a readable descriptor the main loop polls, so the
/// loop (not a signal handler) restores the terminal. The signals' default actions are
/// replaced while it lives; libdispatch receives them and a handler on its queue writes the
/// signal number into a pipe, which is async-signal-safe by construction.
public final class SignalWatcher: @unchecked Sendable {
    /// The signals that end the monitor: Ctrl-C, `kill`, a closed terminal, Ctrl-\. SIGQUIT
    /// is here so that Swift's crash backtracer (which handles it by default) never prints over
    /// the screen and waits for a key with the terminal still in curses mode.
    public static let terminating: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    private var sources: [any DispatchSourceSignal] = []
    private let pipe: (read: Int32, write: Int32)
    private let queue = DispatchQueue(label: "fitwatch.signals")
    private let signals: [Int32]
    private let lock = NSLock()
    private var received: Int32?
    /// Signals not yet handed out by `take()`.
    private var pending: [Int32] = []

    /// Watch `signals` until deinit, when their default actions come back.
    public init(signals: [Int32] = SignalWatcher.terminating) {
        self.signals = signals
        var fds: [Int32] = [-1, -1]
        if Foundation.pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        }
        pipe = (fds[0], fds[1])
        for signo in signals {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            let writeEnd = pipe.write
            source.setEventHandler { [weak self] in
                self?.record(signo)
                var byte = UInt8(truncatingIfNeeded: signo)
                _ = write(writeEnd, &byte, 1)
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
        for signo in signals { signal(signo, SIG_DFL) }
        if pipe.read >= 0 { close(pipe.read) }
        if pipe.write >= 0 { close(pipe.write) }
    }

    /// Readable once a signal arrived.
    public var descriptor: Int32 { pipe.read }

    /// The first signal received, if any.
    public var receivedSignal: Int32? {
        lock.lock(); defer { lock.unlock() }
        return received
    }

    /// Every signal received since the last call, in order (headless output acts on each).
    public func take() -> [Int32] {
        lock.lock(); defer { lock.unlock() }
        let taken = pending
        pending = []
        return taken
    }

    private func record(_ signo: Int32) {
        lock.lock()
        if received == nil { received = signo }
        pending.append(signo)
        lock.unlock()
    }
}
