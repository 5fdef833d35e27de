import { z } from 'zod';

/**
 * Stream entries carry one field, `data`, holding the JSON of the payload. One field keeps the
 * XADD atomic and the payload typed (numbers stay numbers), and the schema validates it on read.
 */
export const DATA_FIELD = 'data';

export class MalformedEntryError extends Error {
  constructor(
    readonly entryId: string,
    readonly reason: string,
  ) {
    super(`stream entry ${entryId} is malformed: ${reason}`);
    this.name = 'MalformedEntryError';
  }
}

export function encodeEntry(payload: unknown): [string, string] {
  return [DATA_FIELD, JSON.stringify(payload)];
}

/** Flat [k1, v1, k2, v2] from XREAD into the payload, validated; throws MalformedEntryError. */
export function decodeEntry<S extends z.ZodType>(schema: S, id: string, fields: string[]): z.infer<S> {
  let raw: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === DATA_FIELD) raw = fields[i + 1];
  }
  if (raw === undefined) throw new MalformedEntryError(id, `no '${DATA_FIELD}' field`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new MalformedEntryError(id, 'data is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new MalformedEntryError(id, formatZodError(parsed.error));
  return parsed.data;
}

/** `stop_loss: Too small; direction: Invalid option` — names each bad field. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
