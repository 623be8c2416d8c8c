import CReelProtoTest
import Foundation
import CReelSupport
import XCTest

/// The JSON <-> protobuf conversion of CReelSupport (reel_json.h), driven by
/// the descriptors of proto/reel/test/v1/types.proto and presence.proto.
final class ProtoJSONConversionTests: XCTestCase {
    // MARK: - round trips and output

    func testEmptyBodyEmitsEveryFieldWithItsDefault() throws {
        let bytes = try toProto(nil)
        XCTAssertEqual(bytes, [])
        XCTAssertEqual(try toJSON(bytes), allTypesJSON())
        XCTAssertEqual(try toJSON(try toProto("{}")), allTypesJSON())
    }

    func testEveryScalarTypeRoundTrips() throws {
        let body = """
            {"fInt32":-2147483648,"fInt64":"-9223372036854775808","fUint32":4294967295,
             "fUint64":"18446744073709551615","fSint32":-5,"fSint64":"-6","fFixed32":7,"fFixed64":"8",
             "fSfixed32":-9,"fSfixed64":"-10","fFloat":0.1,"fDouble":2.5e-300,"fBool":true,
             "fString":"h\\u00e9llo \\"q\\"\\n\\u0001/","fBytes":"AAEC/w==","color":"COLOR_GREEN"}
            """
        let bytes = try toProto(body)
        let json = try toJSON(bytes)
        XCTAssertEqual(json, allTypesJSON([
            "fInt32": "-2147483648", "fInt64": "\"-9223372036854775808\"", "fUint32": "4294967295",
            "fUint64": "\"18446744073709551615\"", "fSint32": "-5", "fSint64": "\"-6\"", "fFixed32": "7",
            "fFixed64": "\"8\"", "fSfixed32": "-9", "fSfixed64": "\"-10\"", "fFloat": "0.1",
            "fDouble": "2.5e-300", "fBool": "true", "fString": "\"h\u{e9}llo \\\"q\\\"\\n\\u0001/\"",
            "fBytes": "\"AAEC/w==\"", "color": "\"COLOR_GREEN\"",
        ]))
        // The output parses back to the same bytes.
        XCTAssertEqual(try toProto(json), bytes)
        // And the bytes hold what the JSON said (read with the generated C code).
        try withUnpacked(bytes) { m in
            XCTAssertEqual(m.f_int32, Int32.min)
            XCTAssertEqual(m.f_int64, Int64.min)
            XCTAssertEqual(m.f_uint64, UInt64.max)
            XCTAssertEqual(m.f_sint64, -6)
            XCTAssertEqual(m.f_float, 0.1 as Float)
            XCTAssertEqual(m.f_double, 2.5e-300)
            XCTAssertEqual(String(cString: m.f_string), "h\u{e9}llo \"q\"\n\u{1}/")
            XCTAssertEqual(Array(UnsafeBufferPointer(start: m.f_bytes.data, count: m.f_bytes.len)), [0, 1, 2, 255])
            XCTAssertEqual(m.color, REEL__TEST__V1__COLOR__COLOR_GREEN)
        }
    }

    func testInt64AcceptsNumbersAndStringsAndPrintsStrings() throws {
        let json = try toJSON(try toProto(#"{"fInt64":9007199254740993,"fUint64":"42","fSfixed64":1e3,"fInt32":"12"}"#))
        XCTAssertEqual(json, allTypesJSON([
            "fInt64": "\"9007199254740993\"", "fUint64": "\"42\"", "fSfixed64": "\"1000\"", "fInt32": "12",
        ]))
    }

    func testFloatsPrintShortestAndSpecialValuesAsStrings() throws {
        let json = try toJSON(try toProto(
            #"{"fFloat":"NaN","fDouble":"-Infinity","repDouble":[0.1,1e300,"Infinity",-0.0,3,"2.5"]}"#))
        XCTAssertEqual(json, allTypesJSON([
            "fFloat": "\"NaN\"", "fDouble": "\"-Infinity\"", "repDouble": "[0.1,1e+300,\"Infinity\",-0,3,2.5]",
        ]))
    }

    func testCamelCaseAndProtoNamesAreBothAccepted() throws {
        let camel = try toProto(#"{"posterUrl":"p.jpg","fInt32":3,"repString":["a"]}"#)
        let proto = try toProto(#"{"poster_url":"p.jpg","f_int32":3,"rep_string":["a"]}"#)
        XCTAssertEqual(camel, proto)
        XCTAssertEqual(try toJSON(proto), allTypesJSON(["posterUrl": "\"p.jpg\"", "fInt32": "3", "repString": "[\"a\"]"]))
    }

    func testBytesAcceptURLSafeAndUnpaddedBase64() throws {
        let bytes = try toProto(#"{"fBytes":"-_8","repBytes":["","AQ","AQI=","+/8="]}"#)
        try withUnpacked(bytes) { m in
            XCTAssertEqual(Array(UnsafeBufferPointer(start: m.f_bytes.data, count: m.f_bytes.len)), [0xFB, 0xFF])
            XCTAssertEqual(m.n_rep_bytes, 4)
        }
        XCTAssertEqual(try toJSON(bytes), allTypesJSON([
            "fBytes": "\"+/8=\"", "repBytes": "[\"\",\"AQ==\",\"AQI=\",\"+/8=\"]",
        ]))
    }

    func testEnumsByNameOrNumberAndUnknownNumbersPrintAsNumbers() throws {
        let json = try toJSON(try toProto(#"{"color":1,"repColor":["COLOR_GREEN",0,"1",7]}"#))
        XCTAssertEqual(json, allTypesJSON([
            "color": "\"COLOR_RED\"", "repColor": "[\"COLOR_GREEN\",\"COLOR_UNSPECIFIED\",\"COLOR_RED\",7]",
        ]))
    }

    func testNestedRepeatedOneofAndMaps() throws {
        let body = """
            {"inner":{"name":"a","child":{"value":2}},"repInt32":[1,-2],"repInt64":["3",4],"repBool":[true,false],
             "repInner":[{},{"name":"x"}],"choiceInner":{"value":4},
             "counts":{"b":2,"a":-1},"innerById":{"-7":{"name":"m"},"5":{}}}
            """
        let json = try toJSON(try toProto(body))
        let defaultInner = #"{"name":"","value":0,"child":null}"#
        XCTAssertEqual(json, allTypesJSON([
            "inner": #"{"name":"a","value":0,"child":{"name":"","value":2,"child":null}}"#,
            "repInt32": "[1,-2]", "repInt64": #"["3","4"]"#, "repBool": "[true,false]",
            "repInner": #"[\#(defaultInner),{"name":"x","value":0,"child":null}]"#,
            "counts": #"{"b":2,"a":-1}"#,
            "innerById": #"{"-7":{"name":"m","value":0,"child":null},"5":\#(defaultInner)}"#,
        ], oneof: ("choiceInner", #"{"name":"","value":4,"child":null}"#)))
    }

    func testOneofMemberSetToItsDefaultIsStillEmitted() throws {
        XCTAssertEqual(try toJSON(try toProto(#"{"choiceNumber":"0"}"#)), allTypesJSON(oneof: ("choiceNumber", "\"0\"")))
        XCTAssertEqual(try toJSON(try toProto(#"{"choiceText":""}"#)), allTypesJSON(oneof: ("choiceText", "\"\"")))
    }

    func testNullMeansDefault() throws {
        let bytes = try toProto(#"{"inner":null,"fInt32":null,"repInt32":null,"choiceText":null,"counts":null}"#)
        XCTAssertEqual(bytes, [])
    }

    func testExplicitPresenceUnsetIsNullAndSetDefaultsArePrinted() throws {
        XCTAssertEqual(try toJSON(try toProto(#"{"reqName":"r"}"#, desc: presenceDescriptor), desc: presenceDescriptor),
                       #"{"optInt32":null,"optString":null,"optBool":null,"optMood":null,"optBytes":null,"#
                           + #""optInt64":null,"optNested":null,"withDefault":null,"reqName":"r"}"#)
        let body = #"{"req_name":"r","optInt32":0,"optString":"","optBool":false,"optMood":"MOOD_UNKNOWN","#
            + #""optBytes":"","optInt64":"0","optNested":{},"withDefault":"42"}"#
        XCTAssertEqual(try toJSON(try toProto(body, desc: presenceDescriptor), desc: presenceDescriptor),
                       #"{"optInt32":0,"optString":"","optBool":false,"optMood":"MOOD_UNKNOWN","optBytes":"","#
                           + #""optInt64":"0","optNested":{"note":null},"withDefault":42,"reqName":"r"}"#)
    }

    // MARK: - overrides (path and query parameters)

    func testOverridesConvertStringsAndWinOverTheBody() throws {
        let body = #"{"fInt32":1,"fBool":false,"repInt32":[1],"choiceText":"body","inner":{"name":"keep"}}"#
        let bytes = try toProto(body, overrides: [
            ("f_int32", "7"), ("fInt64", "-5"), ("fUint64", "18446744073709551615"), ("fBool", "true"),
            ("color", "COLOR_RED"), ("repColor", "2"), ("fDouble", "2.5"), ("fFloat", "-Infinity"),
            ("repInt32", "9"), ("repInt32", "10"), ("choiceNumber", "3"), ("inner.child.value", "4"),
            ("fBytes", "AQI"), ("posterUrl", "a b"), ("repString", ""),
        ])
        XCTAssertEqual(try toJSON(bytes), allTypesJSON([
            "fInt32": "7", "fInt64": "\"-5\"", "fUint64": "\"18446744073709551615\"", "fBool": "true",
            "color": "\"COLOR_RED\"", "repColor": "[\"COLOR_GREEN\"]", "fDouble": "2.5", "fFloat": "\"-Infinity\"",
            "repInt32": "[1,9,10]", "fBytes": "\"AQI=\"", "posterUrl": "\"a b\"", "repString": "[\"\"]",
            "inner": #"{"name":"keep","value":0,"child":{"name":"","value":4,"child":null}}"#,
        ], oneof: ("choiceNumber", "\"3\"")))
    }

    func testOverrideIntoAnUnselectedOneofMessageSwitchesTheOneof() throws {
        let bytes = try toProto(#"{"choiceText":"body"}"#, overrides: [("choiceInner.name", "x")])
        XCTAssertEqual(try toJSON(bytes), allTypesJSON(oneof: ("choiceInner", #"{"name":"x","value":0,"child":null}"#)))
    }

    // MARK: - errors

    func testErrorsNameTheField() {
        let cases: [(body: String?, overrides: [(String, String)], message: String)] = [
            (#"{"fInt32":"abc"}"#, [], #"field 'fInt32': expected an integer, got string "abc""#),
            (#"{"fInt32":1.5}"#, [], "field 'fInt32': expected an integer, got number 1.5"),
            (#"{"f_int32":3000000000}"#, [], "field 'f_int32': number 3000000000 is out of range for int32"),
            (#"{"fUint32":-1}"#, [], "field 'fUint32': number -1 is out of range for uint32"),
            (#"{"fUint64":"18446744073709551616"}"#, [],
             #"field 'fUint64': string "18446744073709551616" is out of range for uint64"#),
            (#"{"fFloat":1e39}"#, [], "field 'fFloat': number 1e+39 is out of range for float"),
            (#"{"fBool":"true"}"#, [], #"field 'fBool': expected true or false, got string "true""#),
            (#"{"fString":5}"#, [], "field 'fString': expected a string, got number 5"),
            (#"{"fBytes":"a*b"}"#, [], #"field 'fBytes': expected a base64 string, got string "a*b""#),
            (#"{"color":"COLOR_PURPLE"}"#, [],
             #"field 'color': unknown value string "COLOR_PURPLE" for enum reel.test.v1.Color"#),
            (#"{"foo":1}"#, [], "unknown field 'foo'"),
            (#"{"inner":{"child":{"bar":1}}}"#, [], "unknown field 'inner.child.bar'"),
            (#"{"inner":{"child":{"value":"x"}}}"#, [],
             #"field 'inner.child.value': expected an integer, got string "x""#),
            (#"{"inner":[]}"#, [], "field 'inner': expected an object, got an array"),
            (#"{"repInt32":5}"#, [], "field 'repInt32': expected an array, got number 5"),
            (#"{"repInt32":[1,null]}"#, [], "field 'repInt32[1]': null is not allowed in a repeated field"),
            (#"{"repInner":[{},{"value":true}]}"#, [], "field 'repInner[1].value': expected an integer, got true"),
            (#"{"counts":{"a":"x"}}"#, [], #"field 'counts["a"]': expected an integer, got string "x""#),
            (#"{"innerById":{"k":{}}}"#, [], #"field 'innerById["k"]': expected an integer, got string "k""#),
            (#"{"choiceText":"a","choiceNumber":1}"#, [],
             "field 'choiceNumber': 'choiceText' of the same oneof is already set"),
            (#"{"posterUrl":"a","poster_url":"b"}"#, [], "field 'poster_url': given twice, as 'poster_url' and 'posterUrl'"),
            (#"[1]"#, [], "body must be a JSON object, got an array"),
            (#"{"fInt32": tru}"#, [], "body is not valid JSON: invalid token near 'tru' at line 1 column 14"),
            (nil, [("count", "1")], "unknown field 'count'"),
            (nil, [("fInt32", "abc")], #"field 'fInt32': expected an integer, got string "abc""#),
            (nil, [("fBool", "yes")], #"field 'fBool': expected true or false, got string "yes""#),
            (nil, [("repColor", "PINK")], #"field 'repColor': unknown value string "PINK" for enum reel.test.v1.Color"#),
            (nil, [("inner", "x")], "field 'inner': a message field cannot be set from a parameter; name one of its fields"),
            (nil, [("counts", "1")], "field 'counts': a map field cannot be set from a parameter"),
            (nil, [("repInner.name", "x")], "field 'repInner.name': 'repInner' is not a singular message field"),
            (nil, [("inner.nope", "x")], "unknown field 'inner.nope'"),
        ]
        for c in cases {
            XCTAssertThrowsError(try toProto(c.body, overrides: c.overrides), c.message) { error in
                XCTAssertEqual(error as? ConversionError, ConversionError(code: REEL_JSON_EINVALID, message: c.message))
            }
        }
    }

    func testMissingRequiredFieldIsAnError() {
        XCTAssertThrowsError(try toProto("{}", desc: presenceDescriptor)) { error in
            XCTAssertEqual(error as? ConversionError,
                           ConversionError(code: REEL_JSON_EINVALID, message: "missing required field 'reqName'"))
        }
    }

    func testNestingDeeperThan64LevelsIsRefused() throws {
        // AllTypes (1) > inner (2) > 62 children = 64 levels: accepted.
        func nested(_ children: Int) -> String {
            #"{"inner":"# + String(repeating: #"{"child":"#, count: children) + "{}"
                + String(repeating: "}", count: children + 1)
        }
        XCTAssertNoThrow(try toProto(nested(62)))
        XCTAssertThrowsError(try toProto(nested(63))) { error in
            let message = (error as? ConversionError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("messages nested deeper than 64 levels at 'inner.child.child"), message)
        }
        // Printing refuses the same depth: Inner { child = 3 } nested 70 times.
        var inner: [UInt8] = []
        for _ in 0..<70 { inner = [0x1A] + varint(inner.count) + inner }
        XCTAssertThrowsError(try toJSON(inner, desc: innerDescriptor)) { error in
            let message = (error as? ConversionError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("messages nested deeper than 64 levels at 'child.child"), message)
        }
    }

    func testInvalidProtobufBytes() {
        let garbage: [UInt8] = [0x0A, 0x05, 0x01]
        let expected = ConversionError(code: REEL_JSON_EINVALID, message: "bytes are not a valid reel.test.v1.AllTypes message")
        XCTAssertThrowsError(try toJSON(garbage)) { XCTAssertEqual($0 as? ConversionError, expected) }
        var err = [CChar](repeating: 0, count: 256)
        XCTAssertEqual(reel_proto_validate(allTypesDescriptor, garbage, garbage.count, &err, err.count), REEL_JSON_EINVALID)
        XCTAssertEqual(text(err), expected.message)
        XCTAssertEqual(reel_proto_validate(allTypesDescriptor, [0x08, 0x01], 2, &err, err.count), REEL_JSON_OK)
        XCTAssertEqual(text(err), "")
        // proto2: a message without its required field is not valid.
        XCTAssertEqual(reel_proto_validate(presenceDescriptor, [0x08, 0x01], 2, &err, err.count), REEL_JSON_EINVALID)
    }

    func testInvalidUTF8InAStringIsAnErrorOnOutput() {
        let bytes: [UInt8] = [0x1A, 0x03, 0x0A, 0x01, 0xFF] // Inner { child { name: "\xff" } }
        XCTAssertThrowsError(try toJSON(bytes, desc: innerDescriptor)) { error in
            XCTAssertEqual(error as? ConversionError,
                           ConversionError(code: REEL_JSON_EINVALID, message: "field 'child.name': string is not valid UTF-8"))
        }
    }

    // MARK: - helpers

    struct ConversionError: Error, Equatable {
        let code: Int32
        let message: String
    }

    /// The real (not copied) descriptors, read from messages set up by the
    /// generated init functions (the FOO__INIT macros do not import).
    var allTypesDescriptor: UnsafePointer<ProtobufCMessageDescriptor> {
        var m = Reel__Test__V1__AllTypes()
        reel__test__v1__all_types__init(&m)
        return m.base.descriptor
    }

    var innerDescriptor: UnsafePointer<ProtobufCMessageDescriptor> {
        var m = Reel__Test__V1__Inner()
        reel__test__v1__inner__init(&m)
        return m.base.descriptor
    }

    var presenceDescriptor: UnsafePointer<ProtobufCMessageDescriptor> {
        var m = Reel__Test__V1__Presence__Presence()
        reel__test__v1__presence__presence__init(&m)
        return m.base.descriptor
    }

    func toProto(_ json: String?, overrides: [(String, String)] = [],
                 desc: UnsafePointer<ProtobufCMessageDescriptor>? = nil) throws -> [UInt8] {
        let strings = overrides.map { (strdup($0.0)!, strdup($0.1)!) }
        defer { strings.forEach { free($0.0); free($0.1) } }
        let fields = strings.map { reel_json_field(name: $0.0, value: $0.1) }
        var out: UnsafeMutablePointer<UInt8>?
        var outLen = 0
        var err = [CChar](repeating: 0, count: 512)
        let utf8 = json.map { Array($0.utf8) } ?? []
        let rc = utf8.withUnsafeBufferPointer { body in
            body.withMemoryRebound(to: CChar.self) { body in
                reel_json_to_proto(desc ?? allTypesDescriptor, json == nil ? nil : body.baseAddress, body.count,
                                   fields, fields.count, &out, &outLen, &err, err.count)
            }
        }
        defer { reel_json_free(out) }
        guard rc == REEL_JSON_OK, let out else {
            XCTAssertNil(out)
            throw ConversionError(code: rc, message: text(err))
        }
        XCTAssertEqual(text(err), "")
        return Array(UnsafeBufferPointer(start: out, count: outLen))
    }

    func toJSON(_ bytes: [UInt8], desc: UnsafePointer<ProtobufCMessageDescriptor>? = nil) throws -> String {
        var out: UnsafeMutablePointer<CChar>?
        var err = [CChar](repeating: 0, count: 512)
        let rc = reel_proto_to_json(desc ?? allTypesDescriptor, bytes, bytes.count, &out, &err, err.count)
        defer { reel_json_free(out) }
        guard rc == REEL_JSON_OK, let out else { throw ConversionError(code: rc, message: text(err)) }
        return String(cString: out)
    }

    func withUnpacked(_ bytes: [UInt8], _ body: (Reel__Test__V1__AllTypes) throws -> Void) throws {
        let m = try XCTUnwrap(reel__test__v1__all_types__unpack(nil, bytes.count, bytes))
        defer { reel__test__v1__all_types__free_unpacked(m, nil) }
        try body(m.pointee)
    }

    /// The NUL-terminated text in a C buffer.
    func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func varint(_ n: Int) -> [UInt8] {
        var n = n, out: [UInt8] = []
        repeat {
            out.append(UInt8(n & 0x7F) | (n > 0x7F ? 0x80 : 0))
            n >>= 7
        } while n > 0
        return out
    }

    /// The JSON printed for an AllTypes: every field in tag order with its
    /// default unless replaced; the set oneof member, if any, after repBool.
    func allTypesJSON(_ values: [String: String] = [:], oneof: (String, String)? = nil) -> String {
        let defaults: [(String, String)] = [
            ("fInt32", "0"), ("fInt64", "\"0\""), ("fUint32", "0"), ("fUint64", "\"0\""), ("fSint32", "0"),
            ("fSint64", "\"0\""), ("fFixed32", "0"), ("fFixed64", "\"0\""), ("fSfixed32", "0"),
            ("fSfixed64", "\"0\""), ("fFloat", "0"), ("fDouble", "0"), ("fBool", "false"), ("fString", "\"\""),
            ("fBytes", "\"\""), ("color", "\"COLOR_UNSPECIFIED\""), ("inner", "null"), ("repInt32", "[]"),
            ("repInt64", "[]"), ("repString", "[]"), ("repBytes", "[]"), ("repColor", "[]"), ("repInner", "[]"),
            ("repDouble", "[]"), ("repBool", "[]"), ("counts", "{}"), ("innerById", "{}"), ("posterUrl", "\"\""),
        ]
        XCTAssertTrue(Set(values.keys).isSubset(of: defaults.map(\.0)), "unknown keys in \(values.keys)")
        var parts = defaults.map { "\"\($0.0)\":\(values[$0.0] ?? $0.1)" }
        if let oneof { parts.insert("\"\(oneof.0)\":\(oneof.1)", at: 25) }
        return "{" + parts.joined(separator: ",") + "}"
    }
}
