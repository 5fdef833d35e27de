/**
 * The slice of a pino logger the feed uses, so a test (or another app) can hand in its own.
 * Defaults to the `@app/observability` logger.
 */
export interface FeedLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
