import CProtobufC
import CReelProtoRegistry
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
        let unpacked = Unpacked<T>(message)
        UnpackedMessages.current?.keep(unpacked)
        return unpacked
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

/// Keeps every message unpacked during one handler call or event alive
/// until the handler returns. Handlers read a message's C fields through a
/// copy of its struct (`let m = request.message`); the optimizer may release
/// `request` after its last use, which would free the strings and arrays `m`
/// still points to. The runtime gives each call its own keeper (a task-local
/// value, inherited by tasks the handler starts).
final class UnpackedMessages: @unchecked Sendable { // `kept` is guarded by `lock`
    @TaskLocal static var current: UnpackedMessages?

    private let lock = NSLock()
    private var kept: [AnyObject] = []

    func keep(_ object: AnyObject) { lock.withLock { kept.append(object) } }

    /// Runs `body` with a keeper of its own; what it unpacked is freed after.
    static func scope<R: Sendable>(_ body: () async throws -> R) async rethrows -> R {
        try await $current.withValue(UnpackedMessages()) { try await body() }
    }

    /// The same for synchronous work (a raw route's begin).
    static func scope<R>(_ body: () throws -> R) rethrows -> R {
        try $current.withValue(UnpackedMessages()) { try body() }
    }
}

/// An unpacked message, freed when this goes away (and not before the
/// handler that unpacked it returns, see UnpackedMessages).
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
