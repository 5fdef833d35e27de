import type Redis from 'ioredis';
import type { z } from 'zod';
import { encodeEntry, formatZodError, STREAM_MAXLEN } from '@app/contracts';

export class InvalidPayloadError extends Error {
  constructor(stream: string, reason: string) {
    super(`refusing to publish an invalid entry to '${stream}': ${reason}`);
    this.name = 'InvalidPayloadError';
  }
}

/** The payload as its schema parses it; InvalidPayloadError naming `stream` and the bad fields otherwise. */
export function validatePayload<S extends z.ZodType>(stream: string, schema: S, payload: z.input<S>): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new InvalidPayloadError(stream, formatZodError(parsed.error));
  return parsed.data;
}

/** XADD with an approximate MAXLEN cap; the payload is validated against its schema first. */
export class StreamPublisher {
  constructor(private readonly redis: Redis) {}

  /** Returns the new entry id. Default cap: `STREAM_MAXLEN[stream]`, else 10,000. */
  async publish<S extends z.ZodType>(stream: string, schema: S, payload: z.input<S>, maxLen?: number): Promise<string> {
    const data = validatePayload(stream, schema, payload);
    const cap = maxLen ?? (STREAM_MAXLEN as Record<string, number>)[stream] ?? 10_000;
    const id = await this.redis.xadd(stream, 'MAXLEN', '~', cap, '*', ...encodeEntry(data));
    if (!id) throw new Error(`XADD to '${stream}' returned no id`);
    return id;
  }
}
