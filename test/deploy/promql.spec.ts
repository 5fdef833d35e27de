import { dashboardQueries, metricSelectors, substituteGrafanaVariables } from './promql';

describe('metricSelectors', () => {
  it('finds the selectors behind functions, aggregations and comparisons', () => {
    expect(metricSelectors('absent(up{job="api-gateway"} == 1)')).toEqual(['up{job="api-gateway"}']);
    expect(metricSelectors('max by (job, instance) (redis_connection_up) == 0')).toEqual(['redis_connection_up']);
  });

  it('skips grouping labels, ranges, keywords and vector() literals', () => {
    const expr = `max(signal_generator_feed_connected) == 1
      and on ()
      (sum(increase(signal_generator_signals_total[60m])) or on () vector(0)) == 0`;
    expect(metricSelectors(expr)).toEqual(['signal_generator_feed_connected', 'signal_generator_signals_total']);
  });

  it('keeps matchers, including regexes with braces and quotes inside', () => {
    expect(metricSelectors('sum(increase(telegram_messages_retried_total{reason!="rate_limited"}[10m])) > 10')).toEqual([
      'telegram_messages_retried_total{reason!="rate_limited"}',
    ]);
    expect(metricSelectors('rate(http_requests_total{status=~"[45]..", route="/a{b}"}[1m])')).toEqual([
      'http_requests_total{status=~"[45]..",route="/a{b}"}',
    ]);
  });

  it('finds each side of a histogram ratio once', () => {
    const expr = 'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) / sum(rate(x_count[5m])) + sum(rate(x_bucket[1m]))';
    expect(metricSelectors(expr)).toEqual(['x_bucket', 'x_count']);
  });
});

describe('dashboard helpers', () => {
  it('replaces the Grafana interval variables', () => {
    expect(substituteGrafanaVariables('rate(a[$__rate_interval]) + increase(b[$__range]) + c[${__interval}]')).toBe(
      'rate(a[1m]) + increase(b[1h]) + c[15s]',
    );
  });

  it('collects targets from panels and from collapsed rows', () => {
    const dash = {
      panels: [
        { title: 'A', targets: [{ expr: 'up', legendFormat: '{{job}}' }] },
        { title: 'row', panels: [{ title: 'B', targets: [{ expr: 'x' }, { legendFormat: 'no expr' }] }] },
      ],
    };
    expect(dashboardQueries(dash)).toEqual([
      { panel: 'A', legend: '{{job}}', expr: 'up' },
      { panel: 'B', legend: '', expr: 'x' },
    ]);
  });
});
