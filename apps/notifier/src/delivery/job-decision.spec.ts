import { decideJob } from './job-decision';

describe('job decision', () => {
  it('completes when every chat has it', () => {
    expect(decideJob([{ chat: '1', result: { state: 'done' } }])).toEqual({ action: 'complete' });
  });

  it('waits for the soonest chat, costing no attempt', () => {
    expect(
      decideJob([
        { chat: '1', result: { state: 'done' } },
        { chat: '2', result: { state: 'wait', ms: 900, reason: 'rate' } },
        { chat: '3', result: { state: 'wait', ms: 300, reason: 'busy' } },
      ]),
    ).toEqual({ action: 'delay', ms: 300 });
  });

  it('retries with backoff on a transient failure, before anything else', () => {
    const d = decideJob([
      { chat: '2', result: { state: 'wait', ms: 900, reason: 'rate' } },
      { chat: '3', result: { state: 'retry', reason: 'server_error', description: 'Bad Gateway' } },
    ]);
    expect(d).toEqual({ action: 'retry', message: 'send to chat 3 (server_error: Bad Gateway) failed; retrying with backoff' });
  });

  it('fails for good only once the other chats are settled', () => {
    const refused = { chat: '-100', result: { state: 'failed', reason: 'forbidden', description: '403 Forbidden' } } as const;
    expect(decideJob([refused, { chat: '1', result: { state: 'wait', ms: 5, reason: 'rate' } }])).toEqual({ action: 'delay', ms: 5 });
    expect(decideJob([refused, { chat: '1', result: { state: 'done' } }])).toEqual({
      action: 'fail',
      message: 'Telegram refused delivery to chat -100 (forbidden: 403 Forbidden)',
    });
  });
});
