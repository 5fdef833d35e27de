import { signalAction } from './position-policy';

describe('signalAction: one position per symbol', () => {
  it('opens on a free symbol, ignores the same direction, reverses the opposite one', () => {
    expect(signalAction(undefined, 'BUY')).toBe('open');
    expect(signalAction('BUY', 'BUY')).toBe('ignore');
    expect(signalAction('SELL', 'BUY')).toBe('reverse');
    expect(signalAction('BUY', 'SELL')).toBe('reverse');
  });
});
