import {
  collectDefaultMetrics,
  Counter,
  CounterConfiguration,
  Gauge,
  GaugeConfiguration,
  Histogram,
  HistogramConfiguration,
  register,
} from 'prom-client';

export { register as metricsRegistry } from 'prom-client';

let initialised = false;

/**
 * Default process metrics plus a `service` label on every series, so one Prometheus sees which
 * service (and, with the instance label, which replica) a number comes from.
 */
export function initMetrics(service: string): void {
  register.setDefaultLabels({ service });
  if (!initialised) {
    collectDefaultMetrics({ register });
    initialised = true;
  }
}

// Get-or-create: libraries declare the metrics they need where they use them; a second
// declaration (two apps in one test process) returns the same series instead of throwing.
export function counter<L extends string>(cfg: CounterConfiguration<L>): Counter<L> {
  return (register.getSingleMetric(cfg.name) as Counter<L> | undefined) ?? new Counter(cfg);
}

export function gauge<L extends string>(cfg: GaugeConfiguration<L>): Gauge<L> {
  return (register.getSingleMetric(cfg.name) as Gauge<L> | undefined) ?? new Gauge(cfg);
}

export function histogram<L extends string>(cfg: HistogramConfiguration<L>): Histogram<L> {
  return (register.getSingleMetric(cfg.name) as Histogram<L> | undefined) ?? new Histogram(cfg);
}

/** Latency buckets in seconds from 1 ms to 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
