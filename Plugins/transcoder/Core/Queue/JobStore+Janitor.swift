import Foundation
import ReelPostgres

/// The janitor's SQL: output folders that will never be published, and
/// whether an attempt's work folder is still in use.
extension JobStore {
    /// Folders that will never be the published stream: attempts that
    /// failed, died or were superseded, and everything of cancelled jobs.
    static func abandonedOutputs(_ c: PostgresConnection, limit: Int) throws -> [String] {
        try c.query("""
            SELECT o.prefix FROM transcoder.outputs o JOIN transcoder.jobs j ON j.id = o.job_id
            WHERE j.state = 'cancelled'
               OR (NOT o.published AND NOT (j.state = 'running' AND o.attempt = j.attempts
                                            AND j.lease_expires_at >= clock_timestamp()))
            ORDER BY o.created_at LIMIT $1
            """, [.int(limit)]).compactMap { try $0.string("prefix") }
    }

    static func forgetOutput(_ c: PostgresConnection, prefix: String) throws {
        try c.query("DELETE FROM transcoder.outputs WHERE prefix = $1 AND NOT published", [.string(prefix)])
        try c.query("""
            DELETE FROM transcoder.outputs o USING transcoder.jobs j
            WHERE o.prefix = $1 AND j.id = o.job_id AND j.state = 'cancelled'
            """, [.string(prefix)])
    }

    /// Whether attempt `attempt` of job `jobId` is still running somewhere
    /// (its work folder must not be removed).
    static func isLive(_ c: PostgresConnection, jobId: String, attempt: Int) throws -> Bool {
        !(try c.query("""
            SELECT 1 FROM transcoder.jobs WHERE id = $1 AND attempts = $2 AND state = 'running'
            AND lease_expires_at >= clock_timestamp()
            """, [.string(jobId), .int(attempt)]).isEmpty)
    }
}
