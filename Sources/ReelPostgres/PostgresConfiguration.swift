/// Where and how to connect. `url` is anything libpq accepts: a URI such as
/// `postgresql:///reel?host=/path/to/socket/dir` (what `tools/pg url` prints)
/// or a `key=value` string.
public struct PostgresConfiguration: Sendable, Hashable {
    public var url: String
    /// Overrides the database named in `url`.
    public var database: String?
    /// Seconds to wait for a connection (libpq's `connect_timeout`); nil waits forever.
    public var connectTimeout: Int?
    public var applicationName: String?

    public init(url: String, database: String? = nil, connectTimeout: Int? = nil, applicationName: String? = nil) {
        self.url = url
        self.database = database
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
    }

    /// Keyword/value pairs for `PQconnectdbParams` with `expand_dbname`: the
    /// first `dbname` is expanded as a connection string, later pairs override it.
    var connectionParameters: [(keyword: String, value: String)] {
        var parameters = [(keyword: "dbname", value: url)]
        if let database { parameters.append(("dbname", database)) }
        if let connectTimeout { parameters.append(("connect_timeout", String(connectTimeout))) }
        if let applicationName { parameters.append(("application_name", applicationName)) }
        parameters.append(("client_encoding", "UTF8"))
        return parameters
    }
}
