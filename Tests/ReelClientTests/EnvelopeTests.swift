import Foundation
@testable import ReelClient
import XCTest

/// The Connect envelope framing of server streams: what arrives in pieces,
/// several at once, the end-of-stream message, and frames the reader refuses.
final class EnvelopeTests: XCTestCase {
    private func frame(_ text: String, flags: UInt8 = 0) -> Data { Envelope.encode(Data(text.utf8), flags: flags) }

    func testEncodeWritesFlagsAndABigEndianLength() {
        let data = Envelope.encode(Data(repeating: 7, count: 0x0102), flags: 0x02)
        XCTAssertEqual([UInt8](data.prefix(5)), [0x02, 0x00, 0x00, 0x01, 0x02])
        XCTAssertEqual(data.count, 5 + 0x0102)
        XCTAssertEqual([UInt8](Envelope.encode(Data())), [0, 0, 0, 0, 0])
    }

    func testAFrameArrivingByteByByteIsCutOnlyWhenWhole() throws {
        let wire = frame("hello") + frame("{}", flags: 0x02)
        var reader = Envelope.Reader()
        var seen: [(UInt8, String)] = []
        for byte in wire {
            reader.append(Data([byte]))
            while let envelope = try reader.next() {
                seen.append((envelope.flags, String(decoding: envelope.data, as: UTF8.self)))
            }
        }
        XCTAssertEqual(seen.map(\.0), [0, 0x02])
        XCTAssertEqual(seen.map(\.1), ["hello", "{}"])
        XCTAssertNil(try reader.next(), "nothing left over")
    }

    func testSeveralFramesAndAPartOfTheNextInOneChunk() throws {
        let third = frame("third")
        var reader = Envelope.Reader()
        reader.append(frame("first") + frame("") + third.prefix(7))
        XCTAssertEqual(try reader.next()?.data, Data("first".utf8))
        XCTAssertEqual(try reader.next()?.data, Data())
        XCTAssertNil(try reader.next(), "the third is not complete yet")
        reader.append(third.dropFirst(7))
        XCTAssertEqual(try reader.next()?.data, Data("third".utf8))
    }

    func testAnOversizedFrameIsRefusedFromItsHeaderAlone() {
        let length = UInt32(Envelope.maxMessage + 1)
        var reader = Envelope.Reader()
        reader.append(Data([0, UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF),
                            UInt8(length & 0xFF)]))
        XCTAssertThrowsError(try reader.next()) { error in
            guard case .protocolViolation(let message) = error as? ReelError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("limit"), message)
        }
        // Exactly the limit is waited for, not refused.
        let limit = UInt32(Envelope.maxMessage)
        var atLimit = Envelope.Reader()
        atLimit.append(Data([0, UInt8(limit >> 24), UInt8((limit >> 16) & 0xFF), UInt8((limit >> 8) & 0xFF),
                             UInt8(limit & 0xFF)]))
        XCTAssertNil(try atLimit.next())
    }

    func testACompressedFrameIsRefusedSinceNoneWasAskedFor() {
        var reader = Envelope.Reader()
        reader.append(frame("zipped", flags: 0x01))
        XCTAssertThrowsError(try reader.next()) { error in
            guard case .protocolViolation = error as? ReelError else { return XCTFail("\(error)") }
        }
    }

    func testEndOfStreamWithAndWithoutAnError() throws {
        XCTAssertNil(Envelope.endOfStreamError(Data("{}".utf8)))
        XCTAssertNil(Envelope.endOfStreamError(Data(#"{"metadata": {"x": ["1"]}}"#.utf8)))
        let error = Envelope.endOfStreamError(Data(#"{"error": {"code": "deadline_exceeded", "message": "too slow"}}"#.utf8))
        XCTAssertEqual(error, .server(code: .deadlineExceeded, message: "too slow"))
        // An error without a code known to Connect: the end of a stream carries no HTTP status to fall back on.
        XCTAssertEqual(Envelope.endOfStreamError(Data(#"{"error": {"message": "?"}}"#.utf8))?.code, .unknown)
        guard case .protocolViolation = Envelope.endOfStreamError(Data("not json".utf8)) else {
            return XCTFail("a broken end-of-stream message is a protocol violation")
        }
    }
}
