import CProtobufC
import CReelSupport
import Foundation

/// JSON <-> protobuf through a plugin's protobuf-c message descriptors
/// (the work is done by CReelSupport/reel_json*.c). Every failure is a 400
/// with the converter's message, which names the offending field.
enum ProtoJSON {
    static func proto(fromJSON json: [UInt8], overrides: [(name: String, value: String)],
                      as descriptor: PluginPointer) throws(APIError) -> [UInt8] {
        let message = descriptor.raw.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
        var out: UnsafeMutablePointer<UInt8>?
        var outLength = 0
        // strdup'd so the C structs can point at them for the whole call.
        let names = overrides.map { strdup($0.name) }
        let values = overrides.map { strdup($0.value) }
        defer {
            names.forEach { free($0) }
            values.forEach { free($0) }
        }
        let fields = zip(names, values).map { reel_json_field(name: UnsafePointer($0), value: UnsafePointer($1)) }
        // The error text's buffer on the stack (every JSON request comes here).
        let failure: String? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { error in
            error[0] = 0
            let result = json.withUnsafeBufferPointer { body in
                body.withMemoryRebound(to: CChar.self) { chars in
                    reel_json_to_proto(message, chars.baseAddress, chars.count, fields, fields.count,
                                       &out, &outLength, error.baseAddress, error.count)
                }
            }
            guard result == REEL_JSON_OK, out != nil else { return errorText(Array(error)) }
            return nil
        }
        guard failure == nil, let out else {
            throw .badRequest(failure ?? "")
        }
        defer { free(out) }
        return Array(UnsafeBufferPointer(start: out, count: outLength))
    }

    static func json(from proto: [UInt8], as descriptor: PluginPointer) throws(APIError) -> [UInt8] {
        let message = descriptor.raw.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
        var out: UnsafeMutablePointer<CChar>?
        // The error text's buffer on the stack (every JSON answer comes here).
        let failure: String? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { error in
            error[0] = 0
            let result = proto.withUnsafeBufferPointer {
                reel_proto_to_json(message, $0.baseAddress, $0.count, &out, error.baseAddress, error.count)
            }
            guard result == REEL_JSON_OK, out != nil else { return errorText(Array(error)) }
            return nil
        }
        guard failure == nil, let out else {
            // The plugin answered bytes that do not match its own output type.
            throw APIError(.internal, "the service answered a malformed message: \(failure ?? "")")
        }
        defer { free(out) }
        return Array(UnsafeRawBufferPointer(start: out, count: strlen(out)))
    }

    private static func errorText(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func validate(_ proto: [UInt8], as descriptor: PluginPointer) throws(APIError) {
        let message = descriptor.raw.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
        var error = [CChar](repeating: 0, count: 512)
        let result = proto.withUnsafeBufferPointer { reel_proto_validate(message, $0.baseAddress, $0.count, &error, error.count) }
        guard result == REEL_JSON_OK else { throw .badRequest(errorText(error)) }
    }
}
