import Foundation

/// Memory for a protobuf-c message being built (strings, arrays of
/// pointers, sub-messages), freed together when the arena goes away. Pack
/// the message before that.
public final class ProtoArena {
    public init() {}

    private var strings: [UnsafeMutablePointer<CChar>] = []
    private var buffers: [UnsafeMutableRawPointer] = []

    public func string(_ value: String) -> UnsafeMutablePointer<CChar>? {
        guard let copy = strdup(value) else { return nil }
        strings.append(copy)
        return copy
    }

    public func string(_ value: String?) -> UnsafeMutablePointer<CChar>? {
        value.map { string($0) } ?? nil
    }

    /// An array of C strings (a repeated string field).
    public func strings(_ values: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard !values.isEmpty else { return nil }
        let array = allocate(UnsafeMutablePointer<CChar>?.self, count: values.count)
        for (index, value) in values.enumerated() { array[index] = string(value) }
        return array
    }

    /// A copy of `value` that lives as long as the arena (a sub-message).
    public func box<T>(_ value: T) -> UnsafeMutablePointer<T> {
        let pointer = allocate(T.self, count: 1)
        pointer.initialize(to: value)
        return pointer
    }

    /// Uninitialized memory for `count` values of a trivial C type.
    public func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<T>.stride * max(count, 1),
                                                   alignment: MemoryLayout<T>.alignment)
        buffers.append(raw)
        return raw.bindMemory(to: T.self, capacity: max(count, 1))
    }

    deinit {
        strings.forEach { free($0) }
        buffers.forEach { $0.deallocate() }
    }
}
