import Foundation

/// One JSON line per finished request, in the shape of every other log line
/// (keys sorted). Written by hand into one byte buffer: this runs for every
/// request on the I/O threads, where building a dictionary for
/// JSONSerialization cost more than serving a small file. Lines are
/// gathered and written together (AccessLogBuffer): a write(2) per request
/// was an eighth of the host's time on small answers.
enum AccessLog {
    /// Writes out the lines not yet written (the server calls it when it stops).
    static func flush() { AccessLogBuffer.shared.flush() }

    /// `now`: the request's end on the monotonic clock (the caller's reading, shared with the metrics).
    static func write(_ context: RequestContext, now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        let micros = (now &- context.startedNanos) / 1000
        // The client left before an answer: 499, as nginx logs it.
        let status = context.sentStatus == 0 ? 499 : context.sentStatus
        // The fixed parts (keys, the constant values) go in as whole
        // fragments; the same line as key()/string() field by field would write.
        var line = JSONLine(capacity: 320)
        line.raw(#""bytes":"#); line.number(context.sentBytes)
        line.raw(#","durationMs":"#); line.millis(micros)
        line.raw(#","level":"info","logger":"reel.access","method":"#); line.string(context.method)
        line.raw(#","msg":"request","path":"#); line.string(context.path)
        if let served = context.servedBy { line.raw(#","plugin":"#); line.string(served) }
        line.raw(#","remote":"#); line.string(context.remoteAddress)
        line.raw(#","requestId":"#); line.plain(context.requestId)
        line.raw(#","spanId":"#); line.plain(context.trace.spanId)
        line.raw(#","status":"#); line.number(status)
        line.raw(#","traceId":"#); line.plain(context.trace.traceId)
        line.raw(#","ts":"#); line.timestamp()
        line.end()
        line.withBytes { AccessLogBuffer.shared.append($0) }
    }
}

/// Access-log lines waiting to be written: out in one write(2) once 32 KiB
/// have gathered or 50 ms after the first of them, whichever comes first
/// (as nginx's `access_log ... buffer= flush=`), so a quiet host's lines
/// still appear at once and a busy one writes a few times per 100 requests.
///
/// Each I/O thread gathers its lines in a stripe of its own (as each nginx
/// worker has its own buffer), and the write(2) happens outside the stripe's
/// lock: one buffer for all threads, written under its lock, had an I/O
/// thread wait (asleep, its connections with it) whenever the other one was
/// appending or writing, and for a whole time slice when that one was
/// preempted meanwhile. Lines stay whole, and in order within a thread's
/// stripe; lines of different threads may interleave out of order by up to
/// one flush (each line carries its timestamp).
final class AccessLogBuffer: @unchecked Sendable {
    static let shared = AccessLogBuffer()
    static let flushBytes = 32 * 1024
    static let flushDelay = DispatchTimeInterval.milliseconds(50)
    /// Stripes: threads past this many share them (I/O threads are one per core).
    static let stripeCount = 8

    private final class Stripe: @unchecked Sendable {
        /// Guards `pending` and `flushScheduled`; held for an append, never across a write.
        let lock = NSLock()
        /// Taken (before `lock` is released) by whoever writes this stripe's
        /// lines out, so two writes of one stripe keep their order.
        let writing = NSLock()
        var pending: [UInt8] = []
        var flushScheduled = false
    }

    private let stripes: [Stripe] = (0..<AccessLogBuffer.stripeCount).map { _ in Stripe() }
    /// The calling thread's stripe, given on its first line.
    private let threadStripe = ThreadSlot<Stripe>()
    private let nextStripe = NSLock()
    private var assigned = 0

    private func currentStripe() -> Stripe {
        if let stripe = threadStripe.value { return stripe }
        let stripe: Stripe = nextStripe.withLock {
            defer { assigned += 1 }
            return stripes[assigned % Self.stripeCount]
        }
        threadStripe.value = stripe
        return stripe
    }

    func append(_ line: UnsafeBufferPointer<UInt8>) {
        let stripe = currentStripe()
        stripe.lock.lock()
        stripe.pending.append(contentsOf: line)
        if stripe.pending.count >= Self.flushBytes {
            writeOut(stripe) // releases `lock`
            return
        }
        let schedule = !stripe.flushScheduled
        stripe.flushScheduled = true
        stripe.lock.unlock()
        if schedule {
            DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + Self.flushDelay) { [self] in
                stripe.lock.lock()
                stripe.flushScheduled = false
                writeOut(stripe)
            }
        }
    }

    /// Writes out every stripe's lines (the server calls it when it stops).
    func flush() {
        for stripe in stripes {
            stripe.lock.lock()
            writeOut(stripe)
        }
    }

    /// Called holding `stripe.lock`, which it releases: takes the stripe's
    /// lines, then writes them with only `writing` held.
    private func writeOut(_ stripe: Stripe) {
        guard !stripe.pending.isEmpty else {
            stripe.lock.unlock()
            return
        }
        var lines: [UInt8] = []
        lines.reserveCapacity(Self.flushBytes + 512)
        swap(&lines, &stripe.pending)
        stripe.writing.lock()
        stripe.lock.unlock()
        LogSink.write(lines)
        stripe.writing.unlock()
    }
}

/// A JSON object written field by field into bytes (strings escaped as RFC
/// 8259 asks). Its own buffer, written through a pointer: an Array checks
/// uniqueness and capacity on every append, dozens per line.
struct JSONLine: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
        put(UInt8(ascii: "{"))
    }

    deinit { base.deallocate() }

    /// The line so far.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The line so far, without a copy.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Room for `more` bytes.
    private mutating func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        let grown = max(capacity * 2, count + more)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = grown
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { put(UInt8(ascii: ",")) }
        put(UInt8(ascii: "\""))
        name.withUTF8Buffer { put($0) }
        put(UInt8(ascii: "\""))
        put(UInt8(ascii: ":"))
    }

    /// Bytes written as they are (keys and separators known in advance).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { put($0) }
    }

    mutating func number(_ value: Int) {
        if value < 0 { put(UInt8(ascii: "-")) }
        digits(value.magnitude)
    }

    /// Decimal digits, written in place (no String per number).
    private mutating func digits(_ value: UInt) {
        var divisor: UInt = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            put(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Microseconds as milliseconds with three decimals ("12.345").
    mutating func millis(_ micros: UInt64) {
        digits(UInt(micros / 1000))
        let fraction = micros % 1000
        put(UInt8(ascii: "."))
        put(UInt8(ascii: "0") + UInt8(fraction / 100))
        put(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        put(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    mutating func string(_ value: String) {
        put(UInt8(ascii: "\""))
        let written: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in put(utf8, escaping: true) }
        if written == nil { Array(value.utf8).withUnsafeBufferPointer { put($0, escaping: true) } }
        put(UInt8(ascii: "\""))
    }

    /// Bytes of a string, escaped where JSON needs it.
    private mutating func put(_ utf8: UnsafeBufferPointer<UInt8>, escaping: Bool) {
        // Most values need no escaping: copied in one go.
        for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            return escaped(utf8)
        }
        put(utf8)
    }

    /// A string known to need no escaping (hex ids, request ids of letters,
    /// digits and "-_."): copied without looking at each byte.
    mutating func plain(_ value: String) {
        let written: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            put(UInt8(ascii: "\""))
            put(utf8)
            put(UInt8(ascii: "\""))
        }
        if written == nil { string(value) } // a bridged string: the general way
    }

    private mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        let hex: StaticString = "0123456789abcdef"
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): put(UInt8(ascii: "\\")); put(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): put(UInt8(ascii: "\\")); put(UInt8(ascii: "\\"))
            case 0..<0x20:
                raw("\\u00")
                hex.withUTF8Buffer { put($0[Int(byte >> 4)]); put($0[Int(byte & 0xF)]) }
            default: put(byte)
            }
        }
    }

    /// The current time as a JSON string, as `LogClock.timestamp()` gives it,
    /// written in place (no String per line).
    mutating func timestamp() {
        put(UInt8(ascii: "\""))
        var (prefix, millis) = LogClock.now()
        prefix.withUTF8 { put($0) }
        put(UInt8(ascii: "0") + UInt8(millis / 100))
        put(UInt8(ascii: "0") + UInt8(millis / 10 % 10))
        put(UInt8(ascii: "0") + UInt8(millis % 10))
        put(UInt8(ascii: "Z"))
        put(UInt8(ascii: "\""))
    }

    mutating func end() {
        put(UInt8(ascii: "}"))
        put(0x0A)
    }
}
