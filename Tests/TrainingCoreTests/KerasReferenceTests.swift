import Foundation
import KerasModel
import TestSupport
import Testing
@testable import TrainingCore

/// Loss and metric values equal Keras 3's on fixed predictions and targets. The table is
/// Tests/Fixtures/keras-reference/reference.json, computed once with Keras 3.15.1 (jax,
/// CPU) by make_reference.py next to it.
struct KerasReferenceTests {
    struct Reference: Decodable {
        struct LossCase: Decodable {
            var name: String
            var loss: String
            var from_logits: Bool
            var y_true: [[Float]]
            var y_pred: [[Float]]
            var per_sample: [Double]
            var value: Double
        }
        struct MetricCase: Decodable {
            var name: String
            var loss: String
            var from_logits: Bool
            var metrics: [String]
            var y_true: [[Float]]
            var y_pred: [[Float]]
            var result: [String: Double]
            var keras_metric_classes: [String]
            var keras_2_0_rounded_binary_accuracy: Double?
        }
        var keras_version: String
        var losses: [LossCase]
        var metrics: [MetricCase]
    }

    static let reference: Reference = {
        let data = try! Fixtures.data("keras-reference/reference.json")
        return try! JSONDecoder().decode(Reference.self, from: data)
    }()

    func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 2e-6 * max(1, abs(b))
    }

    @Test func tableWasComputedWithKeras3() {
        #expect(Self.reference.keras_version.hasPrefix("3."))
        #expect(Self.reference.losses.count >= 17)
        #expect(Self.reference.metrics.count >= 10)
    }

    @Test func everyLossMatchesKeras3PerSampleAndReduced() throws {
        for c in Self.reference.losses {
            let kind = try #require(LossKind(keras: c.loss), "\(c.loss)")
            let loss = try Loss(kind: kind, fromLogits: c.from_logits)
            let prediction = Matrix(c.y_pred), target = Matrix(c.y_true)
            var perSample = [Float](repeating: 0, count: prediction.rows)
            let sum = perSample.withUnsafeMutableBufferPointer {
                loss.evaluate(prediction: prediction, target: target, perSample: $0.baseAddress!)
            }
            #expect(close(sum / Double(prediction.rows), c.value), "\(c.name): \(sum / Double(prediction.rows)) vs Keras \(c.value)")
            for (mine, keras) in zip(perSample, c.per_sample) {
                #expect(close(Double(mine), keras), "\(c.name) per sample: \(mine) vs Keras \(keras)")
            }
        }
    }

    @Test func metricsResolveAndComputeAsKeras3Does() throws {
        let classes: [String: ResolvedMetric] = [
            "BinaryAccuracy": .binaryAccuracy, "CategoricalAccuracy": .categoricalAccuracy,
            "SparseCategoricalAccuracy": .sparseCategoricalAccuracy, "MeanSquaredError": .meanSquaredError,
            "MeanAbsoluteError": .meanAbsoluteError,
        ]
        for c in Self.reference.metrics {
            let prediction = Matrix(c.y_pred), target = Matrix(c.y_true)
            let kind = try #require(LossKind(keras: c.loss))
            let loss = try Loss(kind: kind, fromLogits: c.from_logits)
            let lossValue = loss.evaluate(prediction: prediction, target: target) / Double(prediction.rows)
            #expect(close(lossValue, c.result["loss"]!), "\(c.name) loss")
            for (index, name) in c.metrics.enumerated() {
                let metric = try Metric(name: name, outputWidth: prediction.cols, targetWidth: target.cols, loss: kind)
                #expect(metric.resolved == classes[c.keras_metric_classes[index]], "\(c.name): '\(name)' resolved to \(metric.resolved)")
                let value = metric.sum(prediction: prediction, target: target) / Double(prediction.rows)
                #expect(close(value, c.result[name]!), "\(c.name): \(name) \(value) vs Keras \(c.result[name]!)")
            }
        }
    }

    @Test func accuracyWithMseOnHousePricesIsZero() throws {
        let c = try #require(Self.reference.metrics.first { $0.name == "accuracy with mse on house prices" })
        let metric = try Metric(name: "accuracy", outputWidth: 1, targetWidth: 1, loss: .meanSquaredError)
        #expect(metric.resolved == .binaryAccuracy)
        #expect(metric.sum(prediction: Matrix(c.y_pred), target: Matrix(c.y_true)) == 0)
        #expect(c.result["accuracy"] == 0)
    }

    /// Keras 2.0-2.2 computed binary accuracy as mean(round(y_pred) == y_true): on targets
    /// near 0/1 it differs from Keras 3's (y_pred > 0.5) == y_true (0.75 vs 0.5 here).
    @Test func keras2RoundedAccuracyIsADifferentNumber() throws {
        let c = try #require(Self.reference.metrics.first { $0.name == "accuracy with mse on near-binary prices" })
        let rounded = Metric(name: "accuracy", resolved: .binaryAccuracyRounded)
        let value = rounded.sum(prediction: Matrix(c.y_pred), target: Matrix(c.y_true)) / Double(c.y_pred.count)
        #expect(value == c.keras_2_0_rounded_binary_accuracy)
        #expect(value != c.result["accuracy"])
    }
}
