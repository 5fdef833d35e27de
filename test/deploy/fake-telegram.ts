import { createServer, IncomingMessage, Server } from 'node:http';

/** Chat the fake Bot API refuses for good, as Telegram does when a user blocked the bot. */
export const BLOCKED_CHAT = '1002';

export interface FakeTelegram {
  url: string;
  /** sendMessage requests seen, by chat id. */
  requests: Map<string, number>;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/**
 * A Bot API on loopback speaking Telegram's wire format, so the notifier's sent, failed and
 * retried series all get data: the first request is a 429 with `retry_after`, the second a 502,
 * the blocked chat always gets a 403, everything else succeeds.
 */
export async function startFakeTelegram(): Promise<FakeTelegram> {
  const requests = new Map<string, number>();
  let seen = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await body(req);
      let chat = '';
      try {
        const id = (JSON.parse(raw) as { chat_id?: string | number }).chat_id;
        chat = id === undefined ? '' : String(id);
      } catch {
        // an unparsable body still gets Telegram's answer below
      }
      requests.set(chat, (requests.get(chat) ?? 0) + 1);
      seen++;
      const reply = (status: number, payload: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (!/^\/bot[^/]+\/sendMessage$/.test(req.url ?? '')) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
      if (seen === 1) return reply(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
      if (seen === 2) return reply(502, { ok: false, error_code: 502, description: 'Bad Gateway' });
      if (chat === BLOCKED_CHAT) return reply(403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
      reply(200, { ok: true, result: { message_id: seen, date: Math.floor(Date.now() / 1000), chat: { id: Number(chat) || chat, type: 'private' } } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
