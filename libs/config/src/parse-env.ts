import type { z } from 'zod';
import { formatZodError } from '@app/contracts';
import { ConfigError } from './config-error';

/** The environment as `process.env` gives it; tests pass a plain object instead. */
export type Env = Record<string, string | undefined>;

/** Validates `env` against an app's schema; throws one ConfigError naming every bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
