import Foundation
import Testing
@testable import Sharing

/// The numbers on a plot's axes: round steps a reader takes in at a glance.
@Suite struct AxisTicksTests {
    @Test func aLossAxisGetsRoundStepsWithTheDecimalsTheyNeed() {
        let ticks = AxisTicks.linear(low: 0.213, high: 0.487)
        #expect(ticks.map(\.label) == ["0.25", "0.30", "0.35", "0.40", "0.45"])
    }

    @Test func largeValuesAreWholeNumbers() {
        #expect(AxisTicks.linear(low: 23.6, high: 910).map(\.label) == ["200", "400", "600", "800"])
    }

    @Test func zeroReadsAsZeroNotMinusZero() {
        #expect(AxisTicks.linear(low: -1, high: 1).map(\.label).contains("0"))
        #expect(!AxisTicks.linear(low: -0.3, high: 0.3).map(\.label).contains("-0.0"))
    }

    @Test func aLogAxisOverDecadesIsLabelledInPowersOfTen() {
        #expect(AxisTicks.logarithmic(low: -3.2, high: 1.5).map(\.label) == ["0.001", "0.01", "0.1", "1", "10"])
    }

    @Test func aLogAxisOverOneOrTwoDecadesGetsOneTwoAndFive() {
        // 0.2 ... 13: 1, 10 alone would say little.
        #expect(AxisTicks.logarithmic(low: log10(0.2), high: log10(13)).map(\.label) == ["0.2", "0.5", "1", "2", "5", "10"])
    }

    @Test func epochTicksAreWholeAndInRange() {
        let ticks = AxisTicks.integers(low: 1, high: 100)
        #expect(ticks.map(\.label) == ["20", "40", "60", "80", "100"])
        #expect(AxisTicks.integers(low: 1, high: 3).map(\.label) == ["1", "2", "3"])
    }
}
