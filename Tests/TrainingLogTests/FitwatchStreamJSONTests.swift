import Testing
@testable import TrainingLog

@Test func objectsKeepKeyOrderAndNumbersKeepTheirText() throws {
    let value = try #require(FitwatchStreamJSON.parse(#"{"z": 32, "a": 1e-07, "m": [true, null, -0.5]}"#))
    #expect(value.object.map { Array($0.keys) } == ["z", "a", "m"])
    #expect(value.serialized == #"{"z":32,"a":1e-07,"m":[true,null,-0.5]}"#)
    #expect(value["z"]?.int == 32)
    #expect(value["a"]?.double == 1e-07)
}

@Test func nonFiniteFloatsReadFromTheCallbackStringsAndPythonLiterals() throws {
    let value = try #require(FitwatchStreamJSON.parse(#"["nan", "inf", "-inf", NaN, -Infinity, "loss"]"#))
    let doubles = try #require(value.array).map(\.double)
    #expect(doubles[0]?.isNaN == true)
    #expect(doubles[1] == .infinity)
    #expect(doubles[2] == -.infinity)
    #expect(doubles[3]?.isNaN == true)
    #expect(doubles[4] == -.infinity)
    #expect(doubles[5] == nil)
}

@Test func escapesAndSurrogatePairsDecode() throws {
    let value = try #require(FitwatchStreamJSON.parse(#""a\"b\\c\n\u00e9\ud83d\ude00""#))
    #expect(value.string == "a\"b\\c\né😀")
    #expect(FitwatchStreamJSON.parse(value.serialized) == value)
}

@Test func malformedTextIsRejectedNotCrashed() {
    let bad = [#"{"a": 1"#, #"{"a" 1}"#, "[1,]", "01x", #""\ud83d""#, "tru", "", "{} {}", "1.", "-",
               String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)]
    for text in bad { #expect(FitwatchStreamJSON.parse(text) == nil, "\(text.prefix(20))") }
}
