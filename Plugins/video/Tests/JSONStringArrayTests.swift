import Foundation
import XCTest
@testable import VideoCore

/// The video row's arrays (tags, thumbnail keys) read without JSONDecoder:
/// every input answers exactly as JSONDecoder's [String] does.
final class JSONStringArrayTests: XCTestCase {
    private func decoder(_ text: String) -> [String]? {
        try? JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    func testAgreesWithJSONDecoder() {
        let inputs = [
            "[]", " [ ] ", #"["a"]"#, #"["mountain","river"]"#, #"[ "a" , "b" ]"#, #"[""]"#,
            #"["quote \" backslash \\ slash \/"]"#, #"["\b\f\n\r\t"]"#, #"["\u00e9t\u00C9"]"#,
            #"["\ud83c\udfac film"]"#, "[\"caf\u{e9} \u{1F3AC}\"]", #"["videos/1/thumbs/0001.jpg","videos/1/thumbs/0002.jpg"]"#,
            // Not arrays of strings: both refuse.
            "", "[", "]", #"["a""#, #"[,"a"]"#, #"["a" "b"]"#, #"[1]"#, #"[null]"#, #"{"a":1}"#,
            #"["a"] x"#, #"["\x"]"#, #"["\u12"]"#, #"["\ud83c"]"#, #"["\udfac"]"#, #"["\ud83c\u0041"]"#,
            "[\"tab\there\"]",
        ]
        for input in inputs {
            XCTAssertEqual(JSONStringArray.parse(input), decoder(input), "input: \(input.debugDescription)")
        }
    }

    func testReadsWhatPostgreSQLWrites() {
        XCTAssertEqual(JSONStringArray.parse(#"["bench","mountain"]"#), ["bench", "mountain"])
        XCTAssertEqual(JSONStringArray.parse(#"["say \"hi\"","a\\b"]"#), ["say \"hi\"", "a\\b"])
        XCTAssertEqual(JSONStringArray.parse("[]"), [])
        // Stricter than JSONDecoder, which takes a trailing comma; PostgreSQL never writes one.
        XCTAssertNil(JSONStringArray.parse(#"["a",]"#))
    }
}
