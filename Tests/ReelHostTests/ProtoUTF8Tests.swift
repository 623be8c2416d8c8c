import CProtobufC
import CReelProtoTest
import CReelSupport
import XCTest

/// proto3 strings must be UTF-8: reel_proto_validate (used by the gateway on
/// protobuf bodies and on protobuf answers) refuses any that is not, however
/// deep (issue #19).
final class ProtoUTF8Tests: XCTestCase {
    private var allTypes: UnsafePointer<ProtobufCMessageDescriptor> {
        var m = Reel__Test__V1__AllTypes()
        reel__test__v1__all_types__init(&m)
        return m.base.descriptor
    }

    private func validate(_ bytes: [UInt8]) -> (Int32, String) {
        var error = [CChar](repeating: 0, count: 256)
        let rc = bytes.withUnsafeBufferPointer { reel_proto_validate(allTypes, $0.baseAddress, $0.count, &error, error.count) }
        return (rc, String(cString: error))
    }

    private func field(_ tag: [UInt8], _ payload: [UInt8]) -> [UInt8] { tag + [UInt8(payload.count)] + payload }

    func testValidUTF8Passes() {
        let text = Array("h\u{e9}llo \u{1F468}\u{200D}\u{1F469}".utf8)
        XCTAssertEqual(validate(field([0x72], text)).0, REEL_JSON_OK)
        XCTAssertEqual(validate([]).0, REEL_JSON_OK)
    }

    func testInvalidUTF8IsRefusedEverywhere() {
        let bad: [[UInt8]] = [[0xFF], [0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x61, 0xE2, 0x82]]
        for bytes in bad {
            let cases: [([UInt8], String)] = [
                (field([0x72], bytes), "fString"),
                (field([0x82, 0x02], Array("ok".utf8)) + field([0x82, 0x02], bytes), "repString[1]"),
                (field([0x8A, 0x01], field([0x0A], bytes)), "inner.name"),
                (field([0xC2, 0x02], bytes), "choiceText"),
                (field([0x92, 0x03], field([0x0A], bytes) + [0x10, 0x01]), "counts"),
            ]
            for (message, path) in cases {
                let (rc, error) = validate(message)
                XCTAssertEqual(rc, REEL_JSON_EINVALID, "\(bytes) in \(path)")
                XCTAssertTrue(error.contains(path) && error.contains("not valid UTF-8"), error)
            }
        }
    }
}
