import Foundation
import KerasModel

/// Keras 3's progress bar (keras/src/utils/progbar.py, verbose=1, dynamic display) as a
/// value: `update` returns the exact bytes Keras would print, or nil when Keras's 0.05 s
/// redraw limit skips the update. Metric values are shown as given (Keras's ProgbarLogger
/// marks every log value stateful), `%.4f` above 1e-3 in magnitude and `%.4e` otherwise.
public struct Keras3Progbar: Sendable {
    /// Steps in the epoch.
    public let target: Int
    /// Bar cells: Keras 3 draws 20.
    public let width = 20
    /// Minimum seconds between redraws (Keras's `interval=0.05`).
    public let interval: Double

    private let start: Double
    private var lastUpdate = -Double.infinity
    private var previousWidth = 0
    private var timeAfterFirstStep: Double?
    private var order: [String] = []
    private var values: [String: Double] = [:]

    /// A bar for `target` steps created at time `start` (Keras creates it at epoch begin).
    public init(target: Int, start: Double, interval: Double = 0.05) {
        self.target = target
        self.start = start
        self.interval = interval
    }

    /// The text for step `current` with `logs`, or nil when the redraw is rate-limited.
    public mutating func update(current: Int, logs: [(String, Double)], finalize: Bool, now: Double) -> String? {
        for (key, value) in logs {
            if values[key] == nil { order.append(key) }
            values[key] = value
        }
        let timePerStep = estimateStepDuration(current: current, now: now)
        if now - lastUpdate < interval && !finalize { return nil }
        var message = String(repeating: "\u{8}", count: previousWidth) + "\r"
        var special = 0
        let digits = Int(log10(Double(max(target, 1)))) + 1
        var bar = "\u{1B}[1m" + String(format: "%\(digits)ld/%ld", current, target) + "\u{1B}[0m "
        special += 8
        let done = Int(Double(width) * Double(current) / Double(max(target, 1)))
        if done > 0 {
            bar += "\u{1B}[32m" + String(repeating: "━", count: done) + "\u{1B}[0m"
            special += 9
        }
        bar += "\u{1B}[37m" + String(repeating: "━", count: width - done) + "\u{1B}[0m"
        special += 9
        message += bar
        var info: String
        if !finalize {
            let eta = timePerStep * Double(target - current)
            let shown: String
            if eta > 3600 {
                shown = String(format: "%ld:%02ld:%02ld", Int(eta / 3600), Int(eta.truncatingRemainder(dividingBy: 3600) / 60),
                               Int(eta.truncatingRemainder(dividingBy: 60)))
            } else if eta > 60 {
                shown = String(format: "%ld:%02ld", Int(eta / 60), Int(eta.truncatingRemainder(dividingBy: 60)))
            } else {
                shown = "\(Int(eta))s"
            }
            info = " \u{1B}[1m\(shown)\u{1B}[0m"
        } else {
            info = " \u{1B}[1m" + String(format: "%.0f", now - start) + "s\u{1B}[0m"
        }
        special += 8
        info += Self.formatTime(timePerStep)
        for key in order {
            info += " - \(key): " + Self.format(values[key] ?? .nan)
        }
        message += info
        let totalWidth = bar.unicodeScalars.count + info.unicodeScalars.count - special
        if previousWidth > totalWidth { message += String(repeating: " ", count: previousWidth - totalWidth) }
        if finalize { message += "\n" }
        previousWidth = totalWidth
        lastUpdate = now
        return message
    }

    /// Keras's number format in progress lines: `%.4f` when `|v| > 1e-3`, else `%.4e`.
    public static func format(_ value: Double) -> String { KerasNumber.format(value) }

    /// ` 411us/step`, ` 7ms/step`, ` 1s/step`.
    static func formatTime(_ seconds: Double) -> String {
        if seconds >= 1 || seconds == 0 { return String(format: " %.0fs/step", seconds) }
        if seconds >= 1e-3 { return String(format: " %.0fms/step", seconds * 1000) }
        return String(format: " %.0fus/step", seconds * 1_000_000)
    }

    /// Keras ignores the first step (compilation) once later steps exist.
    private mutating func estimateStepDuration(current: Int, now: Double) -> Double {
        guard current > 0 else { return 0 }
        let perStep: Double
        if let after = timeAfterFirstStep, current > 1 {
            perStep = (now - after) / Double(current - 1)
        } else {
            perStep = (now - start) / Double(current)
        }
        if current == 1 { timeAfterFirstStep = now }
        return perStep
    }
}
