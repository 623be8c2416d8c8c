/// Built-in type OIDs (`pg_type.oid`, fixed across PostgreSQL versions).
public enum PostgresTypeOID {
    public static let unknown: UInt32 = 0
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let oid: UInt32 = 26
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let date: UInt32 = 1082
    public static let timestamp: UInt32 = 1114
    public static let timestamptz: UInt32 = 1184
    public static let numeric: UInt32 = 1700
    public static let uuid: UInt32 = 2950

    static let integers: Set<UInt32> = [int2, int4, int8, oid]
    static let floatingPoint: Set<UInt32> = [float4, float8, numeric, int2, int4, int8]
    static let timestamps: Set<UInt32> = [timestamptz, timestamp, date]
}
