import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Inside an app, two feature folders never import each other: one of them depends on the other,
 * or both on a third. A pair that does is one concept split in two (a job crossing back and
 * forth), which is what this keeps from coming back. Relative imports only: libs are shared by
 * design, and an app never imports another app.
 */
const ROOT = resolve(__dirname, '..', '..');
const APPS_DIR = join(ROOT, 'apps');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The top-level folder of `file` under `src` (`.` for files directly in src). */
function folderOf(src: string, file: string): string {
  const parts = relative(src, file).split(sep);
  return parts.length > 1 ? parts[0] : '.';
}

/** `from → to` for every relative import that crosses a top-level folder of one app's src. */
export function folderEdges(src: string): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const file of sourceFiles(src)) {
    const from = folderOf(src, file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      const target = resolve(dirname(file), m[1]);
      if (!target.startsWith(src + sep)) continue;
      const to = folderOf(src, target);
      if (to === from || to === '.' || from === '.') continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return edges;
}

describe('app folders', () => {
  const apps = readdirSync(APPS_DIR).filter((a) => statSync(join(APPS_DIR, a, 'src')).isDirectory());

  it.each(apps)('%s: no two folders import each other', (app) => {
    const edges = folderEdges(join(APPS_DIR, app, 'src'));
    const mutual: string[] = [];
    for (const [a, tos] of edges) for (const b of tos) if (a < b && edges.get(b)?.has(a)) mutual.push(`${a}/ <-> ${b}/`);
    expect(mutual).toEqual([]);
  });
});
