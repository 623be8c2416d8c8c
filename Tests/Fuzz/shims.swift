// What the fuzzed sources use from modules the harnesses do not build
// (ReelPluginKit's PluginError needs the C ABI header; VideoValidation the
// whole plugin). Same names, same shapes.
public struct PluginError: Error, Sendable {
    public let message: String
    public static func invalidArgument(_ m: String) -> PluginError { PluginError(message: m) }
}

enum VideoValidation {
    static let maxTitle = 200
}
