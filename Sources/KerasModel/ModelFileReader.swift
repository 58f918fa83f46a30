import Foundation
import ZIPFoundation

/// Reads a Keras model and its compile configuration from the files Keras writes.
///
/// - A Keras 3 (or tf-keras 2.13+) `.keras` archive: a zip holding `config.json` (the model
///   config with `compile_config`) and `metadata.json` (`keras_version`)
///   (keras/src/saving/saving_lib.py `save_model`).
/// - `model.to_json()`: Keras 3 writes the same dict as `config.json`, compile config included
///   but no version; tf-keras and Keras 2 write `keras_version` and `backend` and no compile config.
/// - The `config.json` extracted from an archive.
///
/// Unknown layer classes become opaque nodes; custom losses leave the output's loss unknown.
public enum ModelFileReader {
    /// Largest `config.json` accepted; real configs are kilobytes (S4: 7 KB), so 64 MiB only
    /// stops a corrupt or hostile archive from exhausting memory.
    static let maximumConfigBytes = 64 << 20

    /// Read a `.keras` archive or a model JSON file.
    public static func read(path: String) throws -> ModelGraph {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ModelFileError(file: path, problem: FileManager.default.fileExists(atPath: path)
                ? "cannot read the file" : "no such file")
        }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return try readArchive(url: url, path: path)
        }
        guard let json = try? JSONValue.parse(data) else {
            throw ModelFileError(file: path, problem: "neither a .keras archive nor model JSON")
        }
        return try graph(model: json, compile: nil, version: nil, provenance: .modelFile, file: path)
    }

    /// Build a graph from the bytes of a model config (`model.to_json()` or `config.json`) and,
    /// when known, a compile config (`model.get_compile_config()`); a compile config inside the
    /// model config is used when none is given.
    public static func graph(modelConfigJSON: Data, compileConfigJSON: Data?,
                             provenance: ModelProvenance) throws -> ModelGraph {
        let file = "<model config>"
        guard let model = try? JSONValue.parse(modelConfigJSON) else {
            throw ModelFileError(file: file, problem: "model config is not JSON")
        }
        var compile: JSONValue?
        if let compileConfigJSON {
            guard let parsed = try? JSONValue.parse(compileConfigJSON) else {
                throw ModelFileError(file: "<compile config>", problem: "compile config is not JSON")
            }
            compile = parsed
        }
        return try graph(model: model, compile: compile, version: nil, provenance: provenance, file: file)
    }

    private static func readArchive(url: URL, path: String) throws -> ModelGraph {
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw ModelFileError(file: path, problem: "not a readable zip archive")
        }
        guard let configEntry = archive["config.json"] else {
            throw ModelFileError(file: path, problem: "not a .keras archive: no config.json inside")
        }
        let config = try extract(configEntry, from: archive, path: path)
        var version: String?
        if let metadataEntry = archive["metadata.json"],
           let metadata = try? JSONValue.parse(try extract(metadataEntry, from: archive, path: path)) {
            version = metadata["keras_version"]?.string
        }
        guard let json = try? JSONValue.parse(config) else {
            throw ModelFileError(file: path, problem: "config.json inside the archive is not JSON")
        }
        return try graph(model: json, compile: nil, version: version, provenance: .modelFile, file: path)
    }

    private static func extract(_ entry: Entry, from archive: Archive, path: String) throws -> Data {
        guard entry.uncompressedSize <= UInt64(maximumConfigBytes) else {
            throw ModelFileError(file: path, problem: "\(entry.path) is larger than \(maximumConfigBytes >> 20) MiB")
        }
        var data = Data()
        do {
            _ = try archive.extract(entry) { data.append($0) }
        } catch {
            throw ModelFileError(file: path, problem: "cannot extract \(entry.path) from the archive")
        }
        return data
    }

    static func graph(model: JSONValue, compile: JSONValue?, version: String?,
                      provenance: ModelProvenance, file: String) throws -> ModelGraph {
        guard let className = model["class_name"]?.string else {
            throw ModelFileError(file: file, problem: "not a Keras model config: no \"class_name\"")
        }
        guard let config = model["config"] else {
            throw ModelFileError(file: file, problem: "not a Keras model config: no \"config\"")
        }
        let kerasVersion = version ?? model["keras_version"]?.string ?? inferredVersion(model)
        // Keras 2.2.4 wrote a Sequential's config as the bare list of layers.
        let body: JSONValue = config.array != nil ? .object(["layers": config]) : config
        let (layers, inputs, outputNames) = try LayerConfigReader(file: file).layers(modelClass: className, config: body)
        let compileConfig = compile ?? model["compile_config"]
        var outputs = outputNames.map { OutputSpec(name: $0) }
        var optimizer: OptimizerSpec?
        if let compileConfig, !compileConfig.isNull {
            let reader = CompileConfigReader(outputNames: outputNames,
                                             flavour: kerasVersion.flatMap(KerasFlavour.init(version:)))
            (outputs, optimizer) = reader.read(compileConfig)
        }
        return ModelGraph(name: body["name"]?.string ?? className, layers: layers, inputs: inputs,
                          outputs: outputs, optimizer: optimizer, kerasVersion: kerasVersion,
                          provenance: provenance)
    }

    /// Keras 3's `to_json()` carries no version; its structure does: `keras.src` modules and
    /// `batch_shape` on InputLayer are Keras 3 only (Keras 2 writes `batch_input_shape`).
    /// "3.x" is what fitwatch shows then; `KerasFlavour(version:)` reads it as Keras 3.
    static func inferredVersion(_ model: JSONValue) -> String? {
        if model["module"]?.string?.hasPrefix("tf_keras") == true { return nil }
        if model["module"]?.string?.hasPrefix("keras") == true { return "3.x" }
        let layers = model["config"]?["layers"]?.array ?? []
        if layers.contains(where: { $0["config"]?["batch_shape"] != nil }) { return "3.x" }
        return nil
    }
}
