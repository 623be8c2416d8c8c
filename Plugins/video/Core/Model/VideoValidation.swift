import Foundation
import ReelPluginKit

/// The rules for what owners may write into a video's metadata.
public enum VideoValidation {
    public static let maxTitle = 200
    public static let maxDescription = 5000
    public static let maxTags = 20
    public static let maxTagLength = 40

    /// The fields' length rules (code points and UTF-8 bytes, see
    /// ReelPluginKit's TextRule): the schema's CHECKs count the same.
    public static let titleRule = TextRule(field: "title", maxScalars: maxTitle, minScalars: 1)
    public static let descriptionRule = TextRule(field: "description", maxScalars: maxDescription, multiline: true)
    public static let tagRule = TextRule(field: "each tag", maxScalars: maxTagLength, minScalars: 1)

    /// Trimmed, 1-200 code points, no control characters.
    public static func title(_ text: String) throws(PluginError) -> String {
        try titleRule.validate(text)
    }

    /// At most 5000 code points after CR LF and CR became LF; line feeds
    /// and tabs allowed, other control characters not.
    public static func description(_ text: String) throws(PluginError) -> String {
        try descriptionRule.validate(text)
    }

    /// Trimmed, lower-case, de-duplicated (first occurrence kept); at most 20
    /// tags of 1-40 code points without control characters or commas.
    public static func tags(_ list: [String]) throws(PluginError) -> [String] {
        guard list.count <= maxTags * 4 else { throw .invalidArgument("at most \(maxTags) tags") }
        var result: [String] = []
        for raw in list {
            let tag = try tagRule.validate(normalizedTag(raw))
            guard !tag.unicodeScalars.contains(",") else {
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
