/**
 * Secrets (bot tokens, API keys) must never reach a log line or an error message. Values are
 * registered at start-up by config; every log record and every error text passes through
 * `redactSecrets` before it leaves the process.
 */
const registered = new Set<string>();

/** Telegram bot tokens look like `123456789:AA...` and also appear inside URLs as `/bot<token>/`. */
// No `\b` before the digits: in `/bot123:AA...` the `t1` is not a word boundary, and the token
// inside a Bot API URL is exactly the case that must not slip through.
const TELEGRAM_TOKEN_RE = /(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}/g;

export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) registered.add(value);
}

export function redactSecrets(text: string): string {
  let out = text.replace(TELEGRAM_TOKEN_RE, '[redacted]');
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** Deep copy of a log payload with every string scrubbed. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: redactSecrets(value.message), stack: value.stack && redactSecrets(value.stack) };
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
  return out;
}
