import { classifyNetworkError, classifyReply, DEFAULT_RETRY_AFTER_MS } from './send-outcome';

describe('Bot API reply classification', () => {
  it('accepts {ok:true,result}', () => {
    expect(classifyReply(200, { ok: true, result: { message_id: 42, chat: { id: 1 } } })).toEqual({ kind: 'sent', messageId: 42 });
  });

  it('turns 429 into a pause of parameters.retry_after seconds', () => {
    expect(classifyReply(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } })).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 7000,
      description: 'Too Many Requests: retry after 7',
    });
    expect(classifyReply(429, 'not json')).toMatchObject({ kind: 'rate_limited', retryAfterMs: DEFAULT_RETRY_AFTER_MS });
  });

  it('retries 5xx and garbled replies, fails 400/401/403/404 for good', () => {
    expect(classifyReply(502, undefined)).toMatchObject({ kind: 'transient', reason: 'server_error' });
    expect(classifyReply(200, { nonsense: true })).toMatchObject({ kind: 'transient', reason: 'bad_reply' });
    expect(classifyReply(403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' })).toEqual({
      kind: 'permanent',
      reason: 'forbidden',
      status: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    expect(classifyReply(401, { ok: false, error_code: 401, description: 'Unauthorized' })).toMatchObject({ reason: 'unauthorized' });
    expect(classifyReply(404, undefined)).toMatchObject({ kind: 'permanent', reason: 'not_found' });
    const migrated = classifyReply(400, { ok: false, error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -1009 } });
    expect(migrated).toMatchObject({ kind: 'permanent', reason: 'bad_request', description: expect.stringContaining('moved to chat id -1009') });
  });

  it('keeps the token out of network error descriptions', () => {
    const token = '123456789:AAFakeTokenForTests_abcdefghijklmnop';
    const err = new TypeError(`Failed to parse URL from http://x/bot${token}/sendMessage`, { cause: { code: 'ECONNREFUSED' } });
    const out = classifyNetworkError(err);
    expect(out).toMatchObject({ kind: 'transient', reason: 'network' });
    expect(JSON.stringify(out)).not.toContain(token);
    expect(JSON.stringify(out)).toContain('ECONNREFUSED');
    expect(classifyNetworkError(new DOMException('timed out', 'TimeoutError'))).toMatchObject({ reason: 'timeout' });
  });
});
