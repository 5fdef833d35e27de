/** A Binance REST call that failed for good (not retryable, or out of attempts). */
export class BinanceRestError extends Error {
  constructor(
    message: string,
    /** HTTP status, when there was a response. */
    readonly status?: number,
    /** Binance's own error code from the body (`{"code":-1121,"msg":"Invalid symbol."}`). */
    readonly code?: number,
  ) {
    super(message);
    this.name = 'BinanceRestError';
  }
}
