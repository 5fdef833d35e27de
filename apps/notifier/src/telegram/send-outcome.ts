import { z } from 'zod';
import { redactSecrets } from '@app/observability';

/** What happened to one sendMessage call, in the terms the delivery logic acts on. */
export type SendOutcome =
  | { kind: 'sent'; messageId: number }
  /** 429: wait `retryAfterMs`, then try again; the attempt does not count. */
  | { kind: 'rate_limited'; retryAfterMs: number; description: string }
  /** 5xx, network, timeout, garbled reply: retry with backoff. */
  | { kind: 'transient'; reason: TransientReason; description: string }
  /** 400/401/403/404...: retrying cannot help. */
  | { kind: 'permanent'; reason: PermanentReason; status: number; description: string };

export type TransientReason = 'server_error' | 'network' | 'timeout' | 'bad_reply';
export type PermanentReason = 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'client_error';

/** The Bot API's reply envelope: `{ok:true,result}` or `{ok:false,error_code,description,parameters}`. */
const BotApiReply = z.object({
  ok: z.boolean(),
  result: z.object({ message_id: z.number() }).passthrough().optional(),
  error_code: z.number().int().optional(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number().optional(), migrate_to_chat_id: z.number().optional() }).passthrough().optional(),
});

/** Without a usable `retry_after`, a 429 waits this long. */
export const DEFAULT_RETRY_AFTER_MS = 5000;

export function classifyReply(status: number, body: unknown): SendOutcome {
  const parsed = BotApiReply.safeParse(body);
  const reply = parsed.success ? parsed.data : undefined;
  if (status >= 200 && status < 300 && reply?.ok) return { kind: 'sent', messageId: reply.result?.message_id ?? 0 };
  const code = reply?.error_code ?? status;
  let description = redactSecrets(reply?.description ?? `HTTP ${status}`);
  if (code === 429) {
    const after = reply?.parameters?.retry_after;
    return { kind: 'rate_limited', retryAfterMs: after && after > 0 ? after * 1000 : DEFAULT_RETRY_AFTER_MS, description };
  }
  if (code >= 500 || status >= 500) return { kind: 'transient', reason: 'server_error', description };
  if (code >= 400 && code < 500) {
    const migrated = reply?.parameters?.migrate_to_chat_id;
    if (migrated) description += ` (the group moved to chat id ${migrated}: update TELEGRAM_CHAT_IDS)`;
    if (code === 401) description += ' (check TELEGRAM_BOT_TOKEN)';
    return { kind: 'permanent', reason: permanentReason(code), status: code, description };
  }
  return { kind: 'transient', reason: 'bad_reply', description: parsed.success ? description : `unreadable reply (HTTP ${status})` };
}

function permanentReason(code: number): PermanentReason {
  switch (code) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    default:
      return 'client_error';
  }
}

/** fetch() failures: the URL holds the token, so only a redacted message and the cause's code survive. */
export function classifyNetworkError(err: unknown): SendOutcome {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return { kind: 'transient', reason: 'timeout', description: 'no reply from the Bot API in time' };
  }
  const cause = e?.cause?.code ?? e?.cause?.message;
  const description = redactSecrets([e?.message ?? String(err), cause].filter(Boolean).join(': '));
  return { kind: 'transient', reason: 'network', description };
}
