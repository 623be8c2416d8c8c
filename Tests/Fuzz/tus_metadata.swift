// libFuzzer harness: tus Upload-Metadata parsing and the text rules applied
// to its values (TusMetadata.swift, ReelPluginKit's TextRules.swift).
// Input: an Upload-Metadata header value.
// Built with the sources it tests by tools/fuzz (name: tus_metadata).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let header = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let metadata = try? TusMetadata.parse(header) else { return 0 }
    for key in metadata.keys {
        guard let text = try? TusMetadata.text(metadata, key) else { continue }
        let filename = TusMetadata.filename(text)
        precondition(!filename.isEmpty && filename.unicodeScalars.count <= 255, "file name \(filename.debugDescription)")
        let title = TusMetadata.title(fromFilename: filename)
        precondition((try? TextRule(field: "title", maxScalars: 200, minScalars: 1).check(title)) != nil,
                     "a derived title breaks the rule: \(title.debugDescription)")
        let key = TusMetadata.storageName(filename)
        precondition(!key.hasPrefix(".") && key.utf8.count <= 120, "storage name \(key.debugDescription)")
        if let valid = try? TextRule(field: "t", maxScalars: 200, multiline: true).validate(text) {
            precondition(!valid.unicodeScalars.contains("\r"), "CR left after normalising")
            precondition(valid.unicodeScalars.count <= 200 && valid.utf8.count <= 800, "over the limit")
        }
    }
    return 0
}
