/**
 * A Markdown table padded to aligned columns (readable as plain text too): the first
 * `textColumns` columns left aligned, the others right aligned, as numbers are.
 */
export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[], textColumns = 1): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => (i < textColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < textColumns ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)];
}

/** A number with fixed decimals; `-` for none, `inf` for a profit factor without a loss. */
export function num(x: number | undefined, digits: number): string {
  if (x === undefined) return '-';
  if (x === Infinity) return 'inf';
  return x.toFixed(digits);
}

/** A 0-1 rate as a percentage with one decimal; `-` for none. */
export const pct = (x: number | undefined): string => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);

/** Epoch ms as `2025-01-01 03:00` (UTC); `-` for none. */
export const isoMinute = (t: number | undefined): string => (t === undefined ? '-' : new Date(t).toISOString().slice(0, 16).replace('T', ' '));
