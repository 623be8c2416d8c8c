import Foundation
import ReelPostgres
import ReelTestSupport
import XCTest

final class ValueTests: XCTestCase {
    static let database = TestDatabase.make()
    override class func tearDown() {
        if case .success(let database) = database { database.drop() }
        super.tearDown()
    }

    private func connect() throws -> PostgresConnection { try Self.database.get().connect() }

    func testEveryParameterTypeRoundTrips() throws {
        let connection = try connect()
        let id = UUID()
        let bytes = Data((0...255).map { UInt8($0) })
        let when = Date(timeIntervalSince1970: 1_700_000_000.123456)
        let text = "héllo 'quoted' \"double\" \\ $1 🎬\n\ttab"
        let row = try XCTUnwrap(connection.query(
            """
            SELECT $1::text AS s, $2::int8 AS i, $3::bool AS b, $4::float8 AS d, $5::bytea AS x,
                   $6::timestamptz AS t, $7::uuid AS u, $8::int4 AS small, $9::bool AS f
            """,
            [.string(text), .int64(.min), .bool(true), .double(-1.25e-300), .data(bytes),
             .date(when), .uuid(id), .int(42), .bool(false)]).first)
        XCTAssertEqual(try row.string("s"), text)
        XCTAssertEqual(try row.int64("i"), .min)
        XCTAssertEqual(try row.bool("b"), true)
        XCTAssertEqual(try row.bool("f"), false)
        XCTAssertEqual(try row.double("d"), -1.25e-300)
        XCTAssertEqual(try row.data("x"), bytes)
        XCTAssertEqual(try XCTUnwrap(row.date("t")).timeIntervalSince1970, when.timeIntervalSince1970, accuracy: 1e-6)
        XCTAssertEqual(try row.uuid("u"), id)
        XCTAssertEqual(try row.int("small"), 42)
        XCTAssertEqual(try row.int64("small"), 42)
    }

    func testParametersCarryTheirTypes() throws {
        let row = try XCTUnwrap(connect().query(
            "SELECT $1 AS i, $2 AS b, $3 AS d, $4 AS x, $5 AS t, $6 AS u, $7 AS s",
            [1, true, 1.5, .data(Data([1])), .date(Date()), .uuid(UUID()), "text"]).first)
        XCTAssertEqual(row.columns.map(\.typeOID), [
            PostgresTypeOID.int8, PostgresTypeOID.bool, PostgresTypeOID.float8, PostgresTypeOID.bytea,
            PostgresTypeOID.timestamptz, PostgresTypeOID.uuid, PostgresTypeOID.text,
        ])
        XCTAssertEqual(try row.int64("i"), 1)
    }

    func testStringsFillColumnsOfOtherTypes() throws {
        let connection = try connect()
        try connection.execute("CREATE TABLE loose (id uuid, doc jsonb, n int4)")
        let id = UUID()
        try connection.query("INSERT INTO loose VALUES ($1, $2, $3)", [.string(id.uuidString), "{\"a\": 1}", .int(7)])
        let row = try XCTUnwrap(connection.query("SELECT id, doc->>'a' AS a, n FROM loose").first)
        XCTAssertEqual(try row.uuid("id"), id)
        XCTAssertEqual(try row.string("a"), "1")
        XCTAssertEqual(try row.int("n"), 7)
    }

    func testNullsRoundTripInEveryType() throws {
        let connection = try connect()
        try connection.execute("""
            CREATE TABLE everything (
                s text, i bigint, b boolean, d double precision, x bytea, t timestamptz, u uuid
            )
            """)
        let inserted = try connection.query(
            "INSERT INTO everything VALUES ($1, $2, $3, $4, $5, $6, $7)", [nil, nil, nil, nil, nil, nil, nil])
        XCTAssertEqual(inserted.affectedRows, 1)
        let row = try XCTUnwrap(connection.query("SELECT * FROM everything").first)
        XCTAssertNil(try row.string("s"))
        XCTAssertNil(try row.int64("i"))
        XCTAssertNil(try row.bool("b"))
        XCTAssertNil(try row.double("d"))
        XCTAssertNil(try row.data("x"))
        XCTAssertNil(try row.date("t"))
        XCTAssertNil(try row.uuid("u"))
        XCTAssertTrue(try row.isNull("s"))
        XCTAssertEqual(row.values, [nil, nil, nil, nil, nil, nil, nil])

        let empty = try XCTUnwrap(connection.query("SELECT $1::text AS s, $2::bytea AS x", ["", .data(Data())]).first)
        XCTAssertEqual(try empty.string("s"), "")
        XCTAssertEqual(try empty.data("x"), Data())
        XCTAssertFalse(try empty.isNull("s"))
    }

    func testExtremeNumbers() throws {
        let connection = try connect()
        for value in [Int64.max, Int64.min, 0, -1] {
            XCTAssertEqual(try connection.query("SELECT $1 AS v", [.int64(value)]).first?.int64("v"), value)
        }
        for value in [0.1, 1e308, -Double.leastNonzeroMagnitude, .infinity, -.infinity, 123456789.123456789] {
            XCTAssertEqual(try connection.query("SELECT $1 AS v", [.double(value)]).first?.double("v"), value)
        }
        XCTAssertEqual(try connection.query("SELECT $1 AS v", [.double(.nan)]).first?.double("v")?.isNaN, true)
        XCTAssertEqual(try connection.query("SELECT 2.5::numeric AS v").first?.double("v"), 2.5)
        XCTAssertEqual(try connection.query("SELECT 7::int2 AS v").first?.int("v"), 7)
    }

    func testDatesAcrossErasAndTimeZones() throws {
        let connection = try connect()
        let dates = [
            Date(timeIntervalSince1970: 0),
            Date(timeIntervalSince1970: -1.5),
            Date(timeIntervalSince1970: 951_782_400.000001),  // 2000-02-29
            Date(timeIntervalSince1970: -70_000_000_000),  // 249 BC
            Date.distantPast,
            Date.distantFuture,
        ]
        for zone in ["UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Amsterdam"] {
            try connection.execute("SET TimeZone TO '\(zone)'")
            for date in dates {
                let row = try XCTUnwrap(connection.query("SELECT $1 AS t, $1::text AS text", [.date(date)]).first)
                let text = try row.string("text") ?? ""
                let back = try XCTUnwrap(row.date("t"), "\(zone): \(text)")
                XCTAssertEqual(back.timeIntervalSince1970, date.timeIntervalSince1970, accuracy: 1e-5, "\(zone): \(text)")
            }
        }
        try connection.execute("SET TimeZone TO 'UTC'")
        let row = try XCTUnwrap(connection.query("""
            SELECT '2024-02-29 12:34:56.5'::timestamp AS naive, '2024-02-29'::date AS day,
                   'infinity'::timestamptz AS forever, '1850-01-01 00:00:00+00'::timestamptz AS old
            """).first)
        XCTAssertEqual(try row.date("naive")?.timeIntervalSince1970, 1_709_210_096.5)
        XCTAssertEqual(try row.date("day")?.timeIntervalSince1970, 1_709_164_800)
        XCTAssertEqual(try row.date("forever"), .distantFuture)
        XCTAssertEqual(try row.date("old")?.timeIntervalSince1970, -3_786_825_600)
    }

    func testTypeMismatchAndMissingColumnThrow() throws {
        let row = try XCTUnwrap(connect().query("SELECT 'abc'::text AS s, 1::int4 AS n").first)
        XCTAssertThrowsError(try row.int64("s")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .typeMismatch)
        }
        XCTAssertThrowsError(try row.uuid("n")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .typeMismatch)
        }
        XCTAssertThrowsError(try row.string("missing")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .columnNotFound)
        }
        XCTAssertEqual(try row.string("n"), "1")  // any type reads as text
    }

    func testStringWithNULIsRefused() throws {
        XCTAssertThrowsError(try connect().query("SELECT $1::text", [.string("a\u{0}b")])) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .invalidParameter)
        }
    }

    func testRowsAreACollection() throws {
        let rows = try connect().query("SELECT g AS n FROM generate_series(1, 5) AS g")
        XCTAssertEqual(rows.count, 5)
        XCTAssertEqual(rows.columns.map(\.name), ["n"])
        XCTAssertEqual(rows.columns.map(\.typeOID), [PostgresTypeOID.int4])
        XCTAssertEqual(try rows.map { try $0.int("n") }, [1, 2, 3, 4, 5])
        XCTAssertEqual(rows.affectedRows, 5)
        XCTAssertEqual(rows.commandTag, "SELECT 5")
    }
}
