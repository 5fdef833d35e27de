/**
 * Bounds on a signal's free-form `metadata`. The schema lets producers add fields (C# clients
 * ignore what they do not model), so without bounds one schema-valid entry could carry a value
 * nested thousands deep: every JSON.stringify of it (REST list, SSE frame) then throws
 * "Maximum call stack size exceeded", and a reader that serialises a batch loses the valid
 * signals next to it. Our own metadata (votes of a handful of strategies) is depth 3, a few dozen
 * keys and well under 2 KB, so these limits leave ample room.
 */
export const METADATA_LIMITS = {
  /** `metadata` itself is level 1; `metadata.votes[0].reason` sits at level 3. */
  maxDepth: 8,
  /** Object keys and array items at every level, together (arrays count so a wide one is bounded too). */
  maxKeys: 200,
  /** UTF-8 bytes of `JSON.stringify(metadata)`. */
  maxBytes: 16 * 1024,
} as const;

/**
 * Why `metadata` breaks a bound, or null when it is within all three. Walks with an explicit
 * stack (recursion would overflow on exactly the input this guards against) and stops at the
 * first bound crossed, so a hostile value costs at most its first few hundred nodes; serialises
 * only once depth and keys are known to be small.
 */
export function metadataBoundsProblem(metadata: unknown, limits = METADATA_LIMITS): string | null {
  const stack: [unknown, number][] = [[metadata, 1]];
  let keys = 0;
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > limits.maxDepth) return `nested deeper than ${limits.maxDepth} levels`;
    const children: unknown[] = Array.isArray(value) ? value : Object.values(value);
    keys += children.length;
    if (keys > limits.maxKeys) return `more than ${limits.maxKeys} keys and array items`;
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(metadata) ?? '', 'utf8');
  if (bytes > limits.maxBytes) return `${bytes} bytes serialised, more than ${limits.maxBytes}`;
  return null;
}
