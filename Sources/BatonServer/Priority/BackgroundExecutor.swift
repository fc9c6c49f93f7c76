import Foundation
import BatonStore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Threads below the daemon's own priority, where the HTTP server reads and encodes answers.
///
/// Baton's first job is to start runs on time. On a small machine a client polling the API
/// as fast as it can (a dashboard left open on a wall, a script in a loop, `wrk`) would
/// otherwise take its share of the cores while a thousand runs fire together, and the slot →
/// start delay would grow with the load. Reads run here, on threads whose nice value is
/// raised, so the kernel gives the scheduler, the executor and the tasks' processes the CPU
/// first and the server what is left; when Baton is idle the server has every core.
///
/// One shared pool per process (the threads live as long as it); a job runs where a task
/// that prefers this executor (`withTaskExecutorPreference`) enqueues it.
final class BackgroundExecutor: TaskExecutor, @unchecked Sendable {
    /// The server's pool: one thread per core, 10 steps nicer than the daemon.
    static let shared = BackgroundExecutor(threads: max(1, ProcessInfo.processInfo.activeProcessorCount), niceness: 10)

    /// How many steps nicer than the thread that made the pool.
    let niceness: Int32
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var head = 0

    init(threads: Int, niceness: Int32) {
        self.niceness = niceness
        for index in 0..<threads {
            let thread = Thread { [self] in
                // Linux keeps a nice value per thread, and `who` 0 is the calling thread: this one only.
                let which = __priority_which_t(PRIO_PROCESS.rawValue)
                _ = setpriority(which, 0, min(19, getpriority(which, 0) + niceness))
                // Its own thread: store reads may wait here, and so run at this priority.
                BlockingReadThread.markCurrent()
                work()
            }
            thread.name = "baton-http-\(index)"
            thread.start()
        }
    }

    /// Threads for the server's sockets (parsing requests, writing answers), as nice as the
    /// pool: a group of its own, so that the daemon's other HTTP clients (alerts, HTTP tasks)
    /// on NIO's shared group keep their priority.
    static let eventLoops: MultiThreadedEventLoopGroup = {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        for loop in group.makeIterator() {
            // The loop's first job, before any connection it serves.
            loop.execute {
                let which = __priority_which_t(PRIO_PROCESS.rawValue)
                _ = setpriority(which, 0, min(19, getpriority(which, 0) + 10))
            }
        }
        return group
    }()

    func enqueue(_ job: UnownedJob) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head > 1024, head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
