import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = join(__dirname, '..', '..', 'BENCHMARKS.md');

/**
 * Replaces (or appends) one benchmark's section of BENCHMARKS.md, between
 * `<!-- bench:<id> -->` and `<!-- /bench:<id> -->`, so each benchmark rewrites its own figures
 * and leaves the others' as they were.
 */
export function writeBenchmarkSection(id: string, markdown: string): void {
  const open = `<!-- bench:${id} -->`;
  const close = `<!-- /bench:${id} -->`;
  const block = `${open}\n${markdown.trim()}\n${close}`;
  const text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Benchmarks\n';
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  const next = start >= 0 && end > start ? text.slice(0, start) + block + text.slice(end + close.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(FILE, next);
}
