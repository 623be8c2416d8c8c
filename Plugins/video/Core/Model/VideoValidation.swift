import Foundation
import ReelPluginKit

/// The rules for what owners may write into a video's metadata.
public enum VideoValidation {
    public static let maxTitle = 200
    public static let maxDescription = 5000
    public static let maxTags = 20
    public static let maxTagLength = 40

    /// Trimmed, 1-200 characters, no control characters.
    public static func title(_ text: String) throws(PluginError) -> String {
        let title = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw .invalidArgument("title must not be empty") }
        guard title.count <= maxTitle else { throw .invalidArgument("title must be at most \(maxTitle) characters") }
        guard !title.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw .invalidArgument("title must not contain control characters")
        }
        return title
    }

    /// At most 5000 characters; line breaks and tabs allowed, other control characters not.
    public static func description(_ text: String) throws(PluginError) -> String {
        let description = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard description.count <= maxDescription else {
            throw .invalidArgument("description must be at most \(maxDescription) characters")
        }
        let allowed: Set<Unicode.Scalar> = ["\n", "\r", "\t"]
        guard !description.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) && !allowed.contains($0) }) else {
            throw .invalidArgument("description must not contain control characters")
        }
        return description
    }

    /// Trimmed, lower-case, de-duplicated (first occurrence kept); at most 20
    /// tags of 1-40 characters without control characters or commas.
    public static func tags(_ list: [String]) throws(PluginError) -> [String] {
        var result: [String] = []
        for raw in list {
            let tag = normalizedTag(raw)
            guard !tag.isEmpty else { throw .invalidArgument("tags must not be empty") }
            guard tag.count <= maxTagLength else { throw .invalidArgument("each tag must be at most \(maxTagLength) characters") }
            guard !tag.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) || $0 == "," }) else {
                throw .invalidArgument("tags must not contain commas or control characters")
            }
            if !result.contains(tag) { result.append(tag) }
        }
        guard result.count <= maxTags else { throw .invalidArgument("at most \(maxTags) tags") }
        return result
    }

    /// How tags are stored and searched: trimmed and lower-case.
    public static func normalizedTag(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    public static func visibility(_ text: String) throws(PluginError) -> Visibility {
        guard let visibility = Visibility(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw .invalidArgument("visibility must be public, unlisted or private")
        }
        return visibility
    }

    /// A video id from a path or message: a UUID, else not_found (an id that
    /// cannot exist names no video).
    public static func videoID(_ text: String) throws(PluginError) -> String {
        guard let id = UUIDs.canonical(text) else { throw .notFound("no video with id \(text)") }
        return id
    }
}
