import { decodeAction, encodeAction, type ButtonAction } from './callback-data';

describe('button callback data', () => {
  const actions: ButtonAction[] = [
    { kind: 'refresh', view: 'status' },
    { kind: 'refresh', view: 'performance' },
    { kind: 'flatten' },
    { kind: 'close_ask', positionId: '17321850451230000000-12345678901234567890' },
    { kind: 'close', positionId: '1732185045123-0' },
    { kind: 'cancel' },
  ];

  it.each(actions)('round-trips %j within Telegram’s 64 bytes', (a) => {
    const data = encodeAction(a);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(decodeAction(data)).toEqual(a);
  });

  it('refuses what it did not encode: forged views, ids that are not stream ids, junk', () => {
    for (const junk of [undefined, '', 'r:wallet', 'c:1; DROP', 'ca:', 'c:12-3-4', 'x:1-0', 'flatten:now']) expect(decodeAction(junk)).toBeUndefined();
  });
});
