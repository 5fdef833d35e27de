import type { z } from 'zod';
import { formatZodError } from '@app/contracts';

/** A bad environment: the message names every bad variable and never echoes a value. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validates `env` against an app's schema; throws ConfigError on the first look. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
