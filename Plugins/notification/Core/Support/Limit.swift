import ReelPluginKit

/// A page size from a request: 1...max, `fallback` when unset.
enum Limit {
    static func page(_ has: Bool, _ value: Int32, fallback: Int, max: Int) throws(PluginError) -> Int {
        guard has else { return fallback }
        guard value >= 1, Int(value) <= max else { throw .invalidArgument("limit must be between 1 and \(max)") }
        return Int(value)
    }
}
