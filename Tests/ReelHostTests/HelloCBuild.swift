import Foundation
import XCTest

/// Builds the real C sample plugin (Plugins/hello-c) into a test's folder.
enum HelloCBuild {
    static func make(into folder: String, version: String = "1.0.0", file: StaticString = #filePath, line: UInt = #line) throws {
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/make")
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Plugins/hello-c").standardized.path
        make.arguments = ["-s", "-C", source, "OUT=\(folder)", "VERSION=\(version)"]
        try make.run()
        make.waitUntilExit()
        XCTAssertEqual(make.terminationStatus, 0, "make hello-c \(version)", file: file, line: line)
    }
}
