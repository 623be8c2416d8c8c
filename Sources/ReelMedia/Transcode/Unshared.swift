/// A value handed from one thread to another and never used by two at once:
/// libav objects (a frame, a packet, a rung's encoder and muxer) that the
/// calling thread gives to an encoding thread (`RungWorker`). This is
/// ReelMedia's one `@unchecked Sendable`: the hand-over happens under
/// `LockedBox`'s lock, and after it only the receiving thread touches the value.
final class Unshared<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
