import { z } from 'zod';

/** An integer variable within [min, max] (e.g. a port, a count, a duration in ms). */
export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A finite number within [min, max]. */
export const num = (min: number, max: number) => z.coerce.number().finite().min(min).max(max);

/** A finite number above zero (a rate, a notional). */
export const positive = () => z.coerce.number().finite().positive();

/**
 * `schema`, with an empty string counted as unset: docker-compose passes `NAME=` for a variable
 * listed without a value in .env, and that must mean "not configured", not "invalid".
 */
export const unsetIfEmpty = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === '' ? undefined : v), schema);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `true` or `false`, nothing else: a typo must not silently mean "off". */
export const bool = () => z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

/** A comma-separated list, trimmed, empty entries dropped. */
export const splitList = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
