import Foundation
import ReelPluginKit

/// Input rules of the auth API. Each throws `invalidArgument` with a message
/// the web client can show as is.
public enum Validation {
    public static let passwordMinLength = 10
    public static let passwordMaxLength = 256
    public static let displayNameMaxLength = 80
    public static let emailMaxLength = 254

    /// Emails are stored and compared trimmed and lower-cased.
    public static func normalizeEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// `local@domain.tld`: one `@`, no spaces or control characters, a dot in
    /// a domain whose labels are not empty. Deliverability is not our concern.
    public static func email(_ raw: String) throws(PluginError) -> String {
        let email = normalizeEmail(raw)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let labels = parts.count == 2 ? parts[1].split(separator: ".", omittingEmptySubsequences: false) : []
        guard email.utf8.count <= emailMaxLength, parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64,
              labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
              !email.unicodeScalars.contains(where: { $0.properties.isWhitespace || TextRules.isRefused($0, multiline: false) })
        else { throw .invalidArgument("email must look like name@example.com") }
        return email
    }

    /// Code points and UTF-8 bytes, the project's one length rule (TextRule).
    public static let displayNameRule = TextRule(
        field: "displayName", maxScalars: displayNameMaxLength, minScalars: 1,
        lengthMessage: "displayName must be 1 to \(displayNameMaxLength) characters")

    public static func displayName(_ raw: String) throws(PluginError) -> String {
        try displayNameRule.validate(raw)
    }

    /// Length in characters (what a person counts), and not the email or its
    /// local part in any letter case.
    public static func password(_ password: String, email: String) throws(PluginError) {
        guard password.count >= passwordMinLength else {
            throw .invalidArgument("password must be at least \(passwordMinLength) characters")
        }
        guard password.count <= passwordMaxLength else {
            throw .invalidArgument("password must be at most \(passwordMaxLength) characters")
        }
        let candidate = password.lowercased()
        let normalized = normalizeEmail(email)
        let localPart = normalized.split(separator: "@", maxSplits: 1).first.map(String.init) ?? normalized
        guard candidate != normalized, candidate != localPart else {
            throw .invalidArgument("password must not be your email address or its name part")
        }
    }

    /// A UUID path or body parameter, lower-cased.
    public static func userID(_ raw: String, field: String = "id") throws(PluginError) -> String {
        guard let id = UUID(uuidString: raw.trimmingCharacters(in: .whitespaces)) else {
            throw .invalidArgument("\(field) must be a UUID")
        }
        return id.uuidString.lowercased()
    }

    public static func role(_ raw: String) throws(PluginError) -> Role {
        guard let role = Role(rawValue: raw) else {
            throw .invalidArgument("role must be one of viewer, creator, admin")
        }
        return role
    }
}
