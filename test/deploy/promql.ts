/** PromQL helpers of the deploy checks: expressions out of the dashboard, selectors out of expressions. */

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'inf', 'nan']);

/**
 * The series selectors an expression reads (`name{matchers}`), without functions, aggregation
 * clauses, ranges or keywords: `max(x{a="b"}) == 1 and on () rate(y[5m])` gives `x{a="b"}`, `y`.
 * Used to show that an alert expression which is empty while the system is healthy still reads
 * metrics that exist.
 */
export function metricSelectors(expr: string): string[] {
  // Strings (label values, regexes) are set aside first: they may hold brackets, braces, spaces.
  const strings: string[] = [];
  const masked = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, (lit) => `"${strings.push(lit) - 1}"`);
  const unmask = (s: string) => s.replace(/"(\d+)"/g, (_, i: string) => strings[Number(i)]);
  // Grouping clauses name labels, not metrics; range and subquery brackets hold durations.
  const cleaned = masked
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const found = new Set<string>();
  const token = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?(\s*\()?/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(cleaned))) {
    const [, name, matchers, call] = m;
    if (call && !matchers) continue; // a function or aggregation
    if (KEYWORDS.has(name.toLowerCase())) continue;
    // Label names never reach here: a matcher block is consumed with the name before it.
    found.add(matchers ? `${name}${unmask(matchers.replace(/\s+/g, ''))}` : name);
  }
  return [...found];
}

/** Dashboard variables replaced by what Grafana would send for a short range. */
export function substituteGrafanaVariables(expr: string, range = '1h', rateInterval = '1m'): string {
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, rateInterval)
    .replace(/\$__interval|\$\{__interval\}/g, '15s')
    .replace(/\$__range|\$\{__range\}/g, range);
}

interface PanelLike {
  title?: string;
  targets?: { expr?: string; legendFormat?: string }[];
  panels?: PanelLike[];
}

export interface DashboardQuery {
  panel: string;
  legend: string;
  expr: string;
}

/** Every PromQL target of a dashboard, rows included. */
export function dashboardQueries(dashboard: { panels?: PanelLike[] }): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const walk = (panels: PanelLike[] = []) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ panel: p.title ?? '(untitled)', legend: t.legendFormat ?? '', expr: t.expr });
      walk(p.panels);
    }
  };
  walk(dashboard.panels);
  return out;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A minimal client of the Prometheus HTTP API. */
export class PrometheusApi {
  constructor(readonly baseUrl: string) {}

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? res.status}`);
    return body.data;
  }

  async query(expr: string): Promise<PromSample[]> {
    const data = await this.get<{ resultType: string; result: PromSample[] | [number, string] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
    if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
    return data.result as PromSample[];
  }

  async targets(): Promise<{ labels: Record<string, string>; health: string; lastError: string }[]> {
    return (await this.get<{ activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] }>('/api/v1/targets?state=active'))
      .activeTargets;
  }

  async rules(): Promise<{ name: string; query: string; type: string }[]> {
    const data = await this.get<{ groups: { rules: { name: string; query: string; type: string }[] }[] }>('/api/v1/rules');
    return data.groups.flatMap((g) => g.rules);
  }
}
