import Foundation

/// One object per thread, behind a pthread key: `value` is the calling
/// thread's own. Setting it retains the new object and releases the one it
/// replaces; a thread that ends releases its object. For the host's hot
/// paths, where a lock the I/O threads share would have them wait for each
/// other (the metric handle cache, the access-log stripes, the current trace).
final class ThreadSlot<Value: AnyObject>: @unchecked Sendable {
    // @unchecked: the key is immutable; what it holds is per thread.
    private let key: pthread_key_t

    init() {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in
            if let raw { Unmanaged<AnyObject>.fromOpaque(raw).release() }
        }
        self.key = key
    }

    deinit {
        // Other threads' objects stay alive (slots live as long as the process).
        if let own = pthread_getspecific(key) { Unmanaged<AnyObject>.fromOpaque(own).release() }
        pthread_key_delete(key)
    }

    var value: Value? {
        get { pthread_getspecific(key).map { Unmanaged<Value>.fromOpaque($0).takeUnretainedValue() } }
        set {
            let previous = pthread_getspecific(key)
            pthread_setspecific(key, newValue.map { Unmanaged.passRetained($0).toOpaque() })
            if let previous { Unmanaged<AnyObject>.fromOpaque(previous).release() }
        }
    }
}
