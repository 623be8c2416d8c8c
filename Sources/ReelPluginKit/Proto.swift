import CProtobufC
import CReelProto
import Foundation

/// protobuf-c from Swift: find descriptors, unpack and pack messages.
public enum Proto {
    /// The generated descriptor of a message of proto/, by full name.
    public static func descriptor(_ fullName: String) -> UnsafePointer<ProtobufCMessageDescriptor> {
        guard let descriptor = reel_proto_message_descriptor(fullName) else {
            fatalError("no message \(fullName) in proto/: run tools/gen-proto") // a build error, not an input error
        }
        return descriptor
    }

    /// Unpacks `bytes` as the message `T` (a protobuf-c generated struct).
    public static func unpack<T>(_ bytes: [UInt8], as type: T.Type, _ fullName: String) throws(PluginError) -> Unpacked<T> {
        let descriptor = descriptor(fullName)
        let message = bytes.withUnsafeBufferPointer { protobuf_c_message_unpack(descriptor, nil, $0.count, $0.baseAddress) }
        guard let message else { throw .invalidArgument("the request is not a valid \(fullName)") }
        return Unpacked(message)
    }

    /// Packs a protobuf-c message struct (whose first field is its ProtobufCMessage base).
    public static func pack<T>(_ message: inout T) -> [UInt8] {
        withUnsafeMutablePointer(to: &message) { pointer in
            pointer.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) { base in
                var bytes = [UInt8](repeating: 0, count: protobuf_c_message_get_packed_size(base))
                _ = bytes.withUnsafeMutableBufferPointer { protobuf_c_message_pack(base, $0.baseAddress) }
                return bytes
            }
        }
    }

    /// A Swift string from a protobuf-c string field (NULL reads as "").
    public static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}

/// An unpacked message, freed when this goes away.
public final class Unpacked<T> {
    private let base: UnsafeMutablePointer<ProtobufCMessage>
    public var message: T { UnsafeMutableRawPointer(base).assumingMemoryBound(to: T.self).pointee }

    init(_ base: UnsafeMutablePointer<ProtobufCMessage>) { self.base = base }
    deinit { protobuf_c_message_free_unpacked(base, nil) }
}

/// C strings for the string fields of a message being built; freed with the arena.
public final class CStrings {
    private var owned: [UnsafeMutablePointer<CChar>] = []
    public init() {}
    public func callAsFunction(_ value: String) -> UnsafeMutablePointer<CChar>? {
        guard let copy = strdup(value) else { return nil }
        owned.append(copy)
        return copy
    }
    deinit { owned.forEach { free($0) } }
}
