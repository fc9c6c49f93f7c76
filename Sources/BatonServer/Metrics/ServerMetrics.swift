import BatonDaemon
import Prometheus

/// The Prometheus registry `/metrics` renders and the swift-metrics factory the daemon writes
/// through, made together so they cannot disagree.
///
/// One per daemon, never the global registry: a test process runs many daemons, each with its
/// own counts. Histogram buckets are set per metric, for what each measures (a reconcile pass
/// takes milliseconds to minutes, a task seconds to hours).
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            DaemonMetrics.Name.reconcileDuration: [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                                   .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300)],
            DaemonMetrics.Name.slotStartDelay: [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                                .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300)],
            DaemonMetrics.Name.taskDuration: [.milliseconds(100), .seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300),
                                              .seconds(900), .seconds(1800), .seconds(3600), .seconds(3 * 3600), .seconds(6 * 3600)],
        ]
        self.factory = factory
    }
}
