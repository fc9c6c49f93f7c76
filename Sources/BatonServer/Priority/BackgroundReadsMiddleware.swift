import Hummingbird

/// Runs every read (`GET`, `HEAD`) on the `BackgroundExecutor`, below the daemon's priority.
///
/// Writes (trigger, cancel, retry, suspend, resume, reconcile now, webhooks) keep the
/// daemon's priority: they are rare, someone waits on each, and they may hand work to the
/// daemon that must not inherit a lowered priority (a process started from a nicer thread
/// would keep its nice value).
struct BackgroundReadsMiddleware<Context: RequestContext>: RouterMiddleware {
    let executor: BackgroundExecutor

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head else { return try await next(request, context) }
        return try await withTaskExecutorPreference(executor) { try await next(request, context) }
    }
}
