import Diagnostics
import Feeds
import TerminalCore
import Widgets

/// Two header rows: what is running and in what state; how far it got and how long it takes.
///
/// ```
///  fitwatch  boston.log · keras3 · live                       1 error   elapsed 1:07
///  fitwatch  odd.log · keras-verbose2 · tf-keras · finished    (the Keras, when the format does not say it)
///  epoch 37/100 ███████████████▍                              37%        ETA 1:02
/// ```
struct HeaderView: Widget {
    var state: MonitorState

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let flashing = state.flashUntil.map { state.clock < $0 } ?? false
        let base = flashing ? theme[.flash] : theme[.headerBackground]
        buffer.fill(area, with: Cell(" ", style: base))
        let line1 = Rect(x: area.x, y: area.y, width: area.width, height: 1)
        let line2 = Rect(x: area.x, y: area.y + 1, width: area.width, height: 1)
        var x = buffer.write(" fitwatch ", x: area.x, y: area.y, style: over(theme[.title], base), clip: line1)
        guard let id = state.selectedSource, let run = state.runs[id] else {
            buffer.write(" waiting for a source", x: x, y: area.y, style: over(theme[.dimText], base), clip: line1)
            return
        }

        // Right side first, so the left side can be cut to what remains.
        var right: [Span] = []
        let counts = Dictionary(grouping: run.findings, by: \.severity).mapValues(\.count)
        for severity in [Severity.error, .warning, .info] {
            if let count = counts[severity] {
                right.append(Span("\(count) \(severity.rawValue)\(count == 1 ? "" : "s")  ", style: over(theme[key(for: severity)], base)))
            }
        }
        right.append(Span("elapsed \(formatDuration(run.elapsed(now: state.clock))) ", style: over(theme[.text], base)))
        let rightWidth = right.reduce(0) { $0 + $1.text.count }
        let leftClip = Rect(x: area.x, y: area.y, width: max(0, area.width - rightWidth - 1), height: 1)
        buffer.write(right, x: area.maxX - rightWidth, y: area.y, clip: line1)

        x += 1
        let (word, wordKey) = stateWord(run)
        var format = run.history.format == .unknown ? "" : " · \(run.history.format.rawValue)"
        // The Keras that wrote a printed log (`keras_flavour`), when it says more than the format.
        if [.keras3, .keras2, .keras1, .kerasVerbose2, .fitwatchCallback].contains(run.history.format) {
            if let flavour = run.flavour {
                if flavour.rawValue != run.history.format.rawValue { format += " · \(flavour.rawValue)" }
            } else {
                format += " · Keras ?"
            }
        }
        // The state says more than the full path: the name gives way first (to 12 columns).
        let nameRoom = max(12, leftClip.maxX - x - format.count - 3 - min(word.count, 40))
        // Cut from the left: the end of a path (the file name) is the part that tells runs apart.
        let name = id.rawValue.count <= nameRoom ? id.rawValue : String(state.glyphs.ellipsis) + String(id.rawValue.suffix(nameRoom - 1))
        x = buffer.write(name, x: x, y: area.y, style: over(theme[.text], base), clip: leftClip)
        x = buffer.write(format, x: x, y: area.y, style: over(theme[.dimText], base), clip: leftClip)
        x = buffer.write(" · ", x: x, y: area.y, style: over(theme[.dimText], base), clip: leftClip)
        let room = max(0, leftClip.maxX - x)
        buffer.write(Span.fit(word, width: min(word.count, room), ellipsis: state.glyphs.ellipsis), x: x, y: area.y,
                     style: over(theme[wordKey], base), clip: leftClip)

        // Line 2: epoch, progress, percentage, ETA.
        let (epoch, total) = run.epochProgress
        var progressText = " epoch \(epoch.map(String.init) ?? "-")"
        if let total { progressText += "/\(total)" }
        if let progress = run.history.lastProgress, let steps = progress.total {
            progressText += "  step \(progress.step)/\(steps)"
        }
        x = buffer.write(progressText + " ", x: area.x, y: line2.y, style: over(theme[.text], base), clip: line2)
        let eta = "ETA \(formatDuration(run.eta)) "
        let fraction = completedFraction(run)
        let percent = fraction.map { " \(Int(($0 * 100).rounded(.down)))%" } ?? ""
        let barWidth = max(0, area.maxX - x - eta.count - percent.count - 2)
        if let fraction, barWidth > 0 {
            ProgressBar(fraction: fraction, glyphs: state.glyphs, style: over(theme[.progress], base), emptyStyle: over(theme[.dimText], base))
                .render(into: &buffer, area: Rect(x: x, y: line2.y, width: barWidth, height: 1))
            buffer.write(percent, x: x + barWidth, y: line2.y, style: over(theme[.text], base), clip: line2)
        }
        buffer.write(eta, x: area.maxX - eta.count, y: line2.y, style: over(theme[.text], base), clip: line2)
    }

    /// Epochs done plus the running epoch's share of steps, over the epochs requested.
    private func completedFraction(_ run: RunState) -> Double? {
        guard let total = run.history.epochsRequested, total > 0 else { return nil }
        var done = Double(run.history.epochs.filter(\.complete).count)
        if let progress = run.history.lastProgress, let steps = progress.total, steps > 0 {
            done += Double(progress.step) / Double(steps)
        }
        return min(1, done / Double(total))
    }

    /// The state as the header says it, with its colour.
    private func stateWord(_ run: RunState) -> (String, ThemeKey) {
        if let end = run.history.end {
            switch end {
            case .finished: return ("finished", .good)
            case .interrupted(let why): return ("interrupted: \(why)", .warning)
            case .failed(let why): return ("failed: \(why)", .error)
            }
        }
        guard let source = run.sourceState else { return ("connecting", .dimText) }
        switch source {
        case .live: return ("live", .good)
        case .following: return ("following", .good)
        case .connecting: return ("connecting", .dimText)
        case .waiting(let why): return ("waiting: \(why)", .warning)
        case .replaying: return ("replaying at \(source.reason ?? "")", .info)
        case .paused: return ("paused", .warning)
        case .reconnecting: return ("reconnecting: \(source.reason ?? "")", .warning)
        case .finished: return ("finished", .dimText)
        case .failed(let why): return ("failed: \(why)", .error)
        }
    }
}

/// The theme key a severity is drawn in.
func key(for severity: Severity) -> ThemeKey {
    switch severity {
    case .error: return .error
    case .warning: return .warning
    case .info: return .info
    }
}
