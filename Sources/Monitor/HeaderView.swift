import Diagnostics
import RunModel
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
        right.append(Span("elapsed \(formatDuration(run.run.elapsed(now: state.clock))) ", style: over(theme[.text], base)))
        let rightWidth = right.reduce(0) { $0 + $1.text.count }
        // Two columns between the two sides, so the status never reads into the counts.
        let leftClip = Rect(x: area.x, y: area.y, width: max(0, area.width - rightWidth - 2), height: 1)
        buffer.write(right, x: area.maxX - rightWidth, y: area.y, clip: line1)

        x += 1
        let status = run.run.status(now: state.clock)
        let (word, wordKey) = stateWord(status, text: run.run.statusText(status))
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
        // A directory says which run under it is shown (`runs/ → b/train.log`).
        // A discovered run is named by what it reads: no arrow to the same name.
        let source = run.reading.flatMap { $0 == id.rawValue ? nil : "\(id.rawValue) \(state.unicode ? "→" : "->") \($0)" } ?? id.rawValue
        let name = source.count <= nameRoom ? source : String(state.glyphs.ellipsis) + String(source.suffix(nameRoom - 1))
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
        // A log with several `fit` calls shows the last; say so.
        if run.run.fitNumber > 1 { progressText += " (fit \(run.run.fitNumber) of \(run.run.fitNumber))" }
        if let progress = run.history.lastProgress, let steps = progress.total {
            progressText += "  step \(progress.step)/\(steps)"
        }
        x = buffer.write(progressText + " ", x: area.x, y: line2.y, style: over(theme[.text], base), clip: line2)
        if case .earlyStopped = status {
            // The bar would say "44%" of epochs that were never meant to run: say how it ended.
            buffer.write("· " + status.text, x: x, y: line2.y, style: over(theme[wordKey], base), clip: line2)
            return
        }
        let eta = "ETA \(formatDuration(run.run.eta(now: state.clock))) "
        let fraction = run.run.progressFraction
        let percent = fraction.map { " \(Int(($0 * 100).rounded(.down)))%" } ?? ""
        let barWidth = max(0, area.maxX - x - eta.count - percent.count - 2)
        if let fraction, barWidth > 0 {
            ProgressBar(fraction: fraction, glyphs: state.glyphs, style: over(theme[.progress], base), emptyStyle: over(theme[.dimText], base))
                .render(into: &buffer, area: Rect(x: x, y: line2.y, width: barWidth, height: 1))
            buffer.write(percent, x: x + barWidth, y: line2.y, style: over(theme[.text], base), clip: line2)
        }
        buffer.write(eta, x: area.maxX - eta.count, y: line2.y, style: over(theme[.text], base), clip: line2)
    }

    /// The run's status as the header says it (`text`: `Run.statusText`), with its colour.
    private func stateWord(_ status: RunStatus, text: String) -> (String, ThemeKey) {
        let key: ThemeKey
        switch status {
        case .live, .following: key = .good
        case .finished: key = .good
        case .earlyStopped: key = .info
        case .waiting(nil): key = .dimText
        case .waiting, .paused, .reconnecting, .stale, .interrupted: key = .warning
        case .replaying: key = .info
        case .failed: key = .error
        }
        // Early stopping is told in full on the second line; the first keeps it short.
        if case .earlyStopped = status { return (status.word, key) }
        // A finished source that held nothing readable says so, as a warning.
        return (text, text == status.text ? key : .warning)
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
