import { redactSecrets } from '@app/observability';

export interface GatewayClientOptions {
  /** e.g. `http://api-gateway:8888`, no trailing slash. */
  url: string;
  /** Sent as X-API-Key when the gateway has one. */
  apiKey: string | undefined;
  timeoutMs: number;
}

/** The gateway answered with an error, or did not answer: `message` is fit for the chat. */
export class GatewayError extends Error {
  constructor(
    message: string,
    /** The HTTP status, 0 when the gateway did not answer. */
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The gateway's HTTP API, where the signals, positions and performance the commands show already
 * live (its read models), and the manual close the dashboard also uses. The key travels in a
 * header only, and error texts are redacted, so it never reaches a chat or a log line.
 */
export class GatewayClient {
  constructor(private readonly opts: GatewayClientOptions) {}

  get(path: string): Promise<Record<string, unknown>> {
    return this.call('GET', path);
  }

  post(path: string): Promise<Record<string, unknown>> {
    return this.call('POST', path);
  }

  private async call(method: string, path: string): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await fetch(`${this.opts.url}${path}`, {
        method,
        headers: this.opts.apiKey ? { 'x-api-key': this.opts.apiKey } : {},
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string } };
      const why = e?.name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : (e?.cause?.code ?? 'unreachable');
      throw new GatewayError(`gateway ${why}`, 0);
    }
    const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!res.ok || !body || typeof body !== 'object') {
      const message = typeof body?.message === 'string' ? body.message : `HTTP ${res.status}`;
      throw new GatewayError(redactSecrets(`gateway: ${message}`), res.status);
    }
    return body;
  }
}
