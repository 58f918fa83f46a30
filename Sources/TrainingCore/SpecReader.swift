import Foundation
import KerasModel
import TOMLKit

/// Typed access to a run spec's TOML with errors that name the file, the line and the key.
/// TOMLKit keeps no positions for values, so lines are found by scanning the text for the key.
struct SpecReader {
    let file: String
    let lines: [Substring]

    init(file: String, text: String) {
        self.file = file
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The first line (1-based) assigning `key`.
    func line(of key: String) -> Int? {
        for (i, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(key) {
                let rest = trimmed.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
                if rest.hasPrefix("=") { return i + 1 }
            }
        }
        return nil
    }

    /// Lines (1-based) that start with `prefix`.
    func lines(startingWith prefix: String) -> [Int] {
        lines.enumerated().filter { $0.element.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }.map { $0.offset + 1 }
    }

    private func fail(_ key: String, _ context: String?, _ message: String) -> SpecError {
        let name = context.map { "\($0).\(key)" } ?? key
        let at = line(of: key).map { " line \($0)" } ?? ""
        return SpecError("\(file)\(at): \(name) \(message)")
    }

    /// Reject keys the core does not read (a typo such as `epoch = 5` would otherwise be ignored).
    func checkKeys(_ table: TOMLTable, allowed: [String], section: String, at: String? = nil) throws {
        for key in table.keys where !allowed.contains(key) {
            let place = at ?? (line(of: key).map { "\(file) line \($0)" } ?? file)
            throw SpecError("\(place): unknown key '\(key)' in \(section) (known: \(allowed.joined(separator: ", ")))")
        }
    }

    func table(_ parent: TOMLTable, _ key: String, required: Bool) throws -> TOMLTable? {
        guard let value = parent[key] else {
            if required { throw SpecError("\(file): missing [\(key)] section") }
            return nil
        }
        guard let table = value.table else { throw fail(key, nil, "must be a table") }
        return table
    }

    func string(_ table: TOMLTable, _ key: String, context: String? = nil) throws -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw fail(key, context, "must be a string") }
        return string
    }

    func int(_ table: TOMLTable, _ key: String, context: String? = nil) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int else { throw fail(key, context, "must be an integer") }
        return number
    }

    func double(_ table: TOMLTable, _ key: String, context: String? = nil) throws -> Double? {
        guard let value = table[key] else { return nil }
        if let number = value.double { return number }
        if let number = value.int { return Double(number) }
        throw fail(key, context, "must be a number")
    }

    func bool(_ table: TOMLTable, _ key: String, context: String? = nil) throws -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw fail(key, context, "must be true or false") }
        return flag
    }

    func strings(_ table: TOMLTable, _ key: String, context: String? = nil) throws -> [String]? {
        guard let value = table[key] else { return nil }
        if let single = value.string { return [single] }
        guard let array = value.array else { throw fail(key, context, "must be a list of strings") }
        return try array.map { item in
            guard let string = item.string else { throw fail(key, context, "must be a list of strings") }
            return string
        }
    }

    /// One `[[model.layers]]` table.
    func layer(_ table: TOMLTable, at: String, line: Int?, counters: inout [String: Int]) throws -> LayerSpec {
        guard let type = table["type"]?.string else { throw SpecError("\(at): needs type = \"Dense\" (or Input, Dropout, Activation, Concatenate, Add)") }
        func number(_ key: String) throws -> Double? {
            guard let value = table[key] else { return nil }
            if let d = value.double { return d }
            if let i = value.int { return Double(i) }
            throw SpecError("\(at): \(key) must be a number")
        }
        func text(_ key: String) throws -> String? {
            guard let value = table[key] else { return nil }
            guard let s = value.string else { throw SpecError("\(at): \(key) must be a string") }
            return s
        }
        func activation(_ key: String) throws -> Activation {
            let name = try text(key) ?? "linear"
            guard let activation = Activation(keras: name) else {
                throw SpecError("\(at): unknown activation '\(name)' (known: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return activation
        }
        func initializer(_ key: String, _ fallback: Initializer) throws -> Initializer {
            guard let name = try text(key) else { return fallback }
            guard let initializer = Initializer(keras: name) else {
                throw SpecError("\(at): unknown \(key) '\(name)' (known: glorot_uniform, glorot_normal, he_normal, he_uniform, lecun_normal, normal, uniform, zeros, ones)")
            }
            return initializer
        }
        let kind: LayerSpec.Kind
        switch type.lowercased().replacingOccurrences(of: "_", with: "") {
        case "input", "inputlayer":
            kind = .input
        case "dense":
            guard let units = try number("units"), units == units.rounded(), units > 0 else {
                throw SpecError("\(at): Dense needs units = a positive integer")
            }
            guard units <= Double(Network.maxParameters) else {
                throw SpecError("\(at): units = \(units) is more than the training core builds (at most \(Network.maxParameters))")
            }
            kind = .dense(units: Int(units), activation: try activation("activation"),
                          kernel: try initializer("kernel_initializer", .glorotUniform),
                          bias: try initializer("bias_initializer", .zeros),
                          useBias: table["use_bias"]?.bool ?? true)
        case "activation":
            kind = .activation(try activation("activation"))
        case "dropout":
            guard let rate = try number("rate") else { throw SpecError("\(at): Dropout needs rate = a number") }
            guard (0...1).contains(rate) else {
                throw SpecError("\(at): Dropout rate must be between 0 and 1 (Keras 3 rejects it), got \(rate)")
            }
            kind = .dropout(rate: rate)
        case "concatenate":
            kind = .concatenate
        case "add":
            kind = .add
        default:
            throw SpecError("\(at): unknown layer type '\(type)' (known: Input, Dense, Activation, Dropout, Concatenate, Add)")
        }
        try checkKeys(table, allowed: ["type", "name", "inputs", "units", "activation", "kernel_initializer", "bias_initializer",
                                       "use_bias", "rate"], section: "[[model.layers]]", at: at)
        let name: String
        if let given = try text("name") {
            name = given
        } else {
            let prefix = kind.autoNamePrefix
            let n = counters[prefix, default: 0]
            name = n == 0 ? prefix : "\(prefix)_\(n)"
        }
        counters[kind.autoNamePrefix, default: 0] += 1
        var inputs: [String] = []
        if let value = table["inputs"] {
            if let single = value.string { inputs = [single] } else if let array = value.array {
                inputs = try array.map { item in
                    guard let s = item.string else { throw SpecError("\(at): inputs must be layer names") }
                    return s
                }
            } else {
                throw SpecError("\(at): inputs must be a layer name or a list of names")
            }
        }
        return LayerSpec(name: name, kind: kind, inputs: inputs, line: line)
    }

    /// A loss given as a name or `{ name = "…", from_logits = true }`.
    private func lossSpec(_ value: TOMLValueConvertible, context: String) throws -> LossSpec {
        var name: String?
        var logits = false
        if let s = value.string {
            name = s
        } else if let t = value.table {
            name = t["name"]?.string ?? t["class_name"]?.string
            logits = t["from_logits"]?.bool ?? false
        }
        guard let name else { throw fail("loss", context, "must be a loss name or { name = \"…\", from_logits = true }") }
        guard let kind = LossKind(keras: name) else { throw fail("loss", context, "names an unknown loss '\(name)'") }
        do { _ = try Loss(kind: kind, fromLogits: logits) } catch let error as SpecError {
            throw fail("loss", context, "- \(error.description)")
        }
        return LossSpec(kind: kind, fromLogits: logits, configuredName: name)
    }

    func loss(_ compile: TOMLTable, output: String) throws -> LossSpec {
        guard let value = compile["loss"] else { throw SpecError("\(file): [compile] needs loss = \"…\"") }
        if let table = value.table, table["name"] == nil, table["class_name"] == nil {
            guard let entry = table[output] else {
                throw fail("loss", "compile", "has no entry for output '\(output)'")
            }
            return try lossSpec(entry, context: "compile")
        }
        return try lossSpec(value, context: "compile")
    }

    func lossWeight(_ compile: TOMLTable, output: String, index: Int) throws -> Double {
        guard let value = compile["loss_weights"] else { return 1 }
        if let table = value.table {
            guard let entry = table[output] else { return 1 }
            if let d = entry.double { return d }
            if let i = entry.int { return Double(i) }
        } else if let array = value.array, index < array.count {
            if let d = array[index].double { return d }
            if let i = array[index].int { return Double(i) }
        }
        throw fail("loss_weights", "compile", "must map outputs to numbers")
    }

    func metrics(_ compile: TOMLTable, output: String) throws -> [String] {
        guard let value = compile["metrics"] else { return [] }
        if let table = value.table {
            return try strings(table, output, context: "compile.metrics") ?? []
        }
        return try strings(compile, "metrics", context: "compile") ?? []
    }

    func optimizer(_ compile: TOMLTable) throws -> (Optimizer.Algorithm, Double?) {
        var name = "rmsprop"  // Keras 3 compile()'s default optimizer
        var options: TOMLTable?
        if let value = compile["optimizer"] {
            if let s = value.string { name = s } else if let t = value.table {
                guard let n = t["name"]?.string else { throw fail("optimizer", "compile", "needs name = \"adam\" | \"sgd\" | \"rmsprop\"") }
                name = n
                options = t
            } else {
                throw fail("optimizer", "compile", "must be a name or a table")
            }
        }
        func number(_ key: String, _ fallback: Double) throws -> Double {
            guard let options else { return fallback }
            return try double(options, key, context: "compile.optimizer") ?? fallback
        }
        let lr: Double? = try options?["learning_rate"] != nil ? number("learning_rate", 0) : nil
        switch name.lowercased() {
        case "adam":
            return (.adam(beta1: Float(try number("beta_1", 0.9)), beta2: Float(try number("beta_2", 0.999)),
                          epsilon: Float(try number("epsilon", 1e-7))), lr)
        case "sgd":
            return (.sgd(momentum: Float(try number("momentum", 0)), nesterov: options?["nesterov"]?.bool ?? false), lr)
        case "rmsprop":
            return (.rmsprop(rho: Float(try number("rho", 0.9)), momentum: Float(try number("momentum", 0)),
                             epsilon: Float(try number("epsilon", 1e-7)), centered: options?["centered"]?.bool ?? false), lr)
        default:
            throw fail("optimizer", "compile", "names an unknown optimizer '\(name)' (known: adam, sgd, rmsprop)")
        }
    }
}
