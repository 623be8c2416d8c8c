/// A PostgreSQL array literal of canonical UUIDs (the caller validated
/// them), passed as one text parameter and cast with `$n::uuid[]`.
enum SQLArrays {
    static func uuids(_ ids: [String]) -> String { "{" + ids.joined(separator: ",") + "}" }

    static func int64s(_ ids: [Int64]) -> String { "{" + ids.map(String.init).joined(separator: ",") + "}" }
}

/// ISO-8601 UTC with milliseconds, as every Reel JSON time.
enum SQLTime {
    static func iso(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }

    static func micros(_ column: String) -> String { "(extract(epoch FROM \(column)) * 1000000)::bigint" }
}
