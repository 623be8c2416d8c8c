import Foundation

/// A task executor for short request handlers that wait on blocking work done
/// on threads of its own (a libpq query on a pool thread): when such a thread
/// resumes the handler inside `resuming`, the handler goes on right there, on
/// that thread, instead of being handed to Swift's cooperative pool (one
/// thread wake-up less per query; `tools/bench api` showed the hand-offs, not
/// the work, as most of a request's cost). Every other job of the task runs
/// on the global concurrent executor, as without a preference.
///
/// The thread calling `resuming` must hold no lock the handler might take,
/// and be free to run it (its own queue waits meanwhile).
public final class ResumeInlineExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: stateless; the flag is per thread (pthread key).
    public static let shared = ResumeInlineExecutor()

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    public func enqueue(_ job: consuming ExecutorJob) {
        if pthread_getspecific(Self.key) != nil {
            // Once per `resuming`: anything the job resumes in turn goes to the pool.
            pthread_setspecific(Self.key, nil)
            job.runSynchronously(on: asUnownedTaskExecutor())
        } else {
            globalConcurrentExecutor.enqueue(job)
        }
    }

    /// Runs `body`, which resumes a continuation: a task preferring this
    /// executor that it wakes runs on this thread until its next suspension,
    /// before `resuming` returns.
    public static func resuming(_ body: () -> Void) {
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
        body()
        pthread_setspecific(key, nil)
    }
}
