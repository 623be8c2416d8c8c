import Foundation
import ReelPostgres

/// The reports' SQL: job states still to be delivered to the video service
/// (VideoReporter), delivered, or postponed after a failed delivery.
extension JobStore {
    static func unreported(_ c: PostgresConnection, limit: Int) throws -> [Job] {
        try c.query("""
            SELECT \(Job.columns) FROM transcoder.jobs j
            WHERE j.reported_version < j.report_version AND j.report_after <= clock_timestamp()
            ORDER BY j.report_after LIMIT $1
            """, [.int(limit)]).map(Job.init(row:))
    }

    static func markReported(_ c: PostgresConnection, jobId: String, version: Int64) throws {
        try c.query("""
            UPDATE transcoder.jobs SET reported_version = greatest(reported_version, $2), report_attempts = 0
            WHERE id = $1
            """, [.string(jobId), .int64(version)])
    }

    static func postponeReport(_ c: PostgresConnection, jobId: String, seconds: Int) throws {
        try c.query("""
            UPDATE transcoder.jobs SET report_after = clock_timestamp() + $2 * interval '1 second',
                report_attempts = report_attempts + 1 WHERE id = $1
            """, [.string(jobId), .int(seconds)])
    }
}
