import CLibPQ
import Foundation

/// A readiness check: can a new connection be made and answer `SELECT 1`?
/// Runs on its own thread (libpq blocks) and gives up after a few seconds.
public enum PostgresProbe {
    public static func ping(url: String, timeoutSeconds: Int = 3) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: pingBlocking(url: url, timeoutSeconds: timeoutSeconds))
            }
        }
    }

    static func pingBlocking(url: String, timeoutSeconds: Int) -> Bool {
        let keywords = ["dbname", "connect_timeout"]
        let values = [url, String(timeoutSeconds)]
        let connection: OpaquePointer? = withCStrings(keywords) { k in
            withCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let connection else { return false }
        defer { PQfinish(connection) }
        guard PQstatus(connection) == CONNECTION_OK, let result = PQexec(connection, "SELECT 1") else { return false }
        defer { PQclear(result) }
        return PQresultStatus(result) == PGRES_TUPLES_OK
    }

    /// A NULL-terminated array of C strings valid during `body`.
    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let array: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
        return array.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
