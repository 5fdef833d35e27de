import { ackPrunable } from './ack-retention';

describe('ackPrunable', () => {
  const cutoff = 1_000_000;
  it('deletes the ack of a signal trimmed from the stream, however young', () => {
    expect(ackPrunable('1999999-0', '2000000-0', cutoff)).toBe(true);
    expect(ackPrunable('2000000-0', null, cutoff)).toBe(true); // the stream is empty
  });
  it('deletes the ack of a signal stored before the cutoff, even while still on the stream', () => {
    expect(ackPrunable('999999-5', '1-0', cutoff)).toBe(true);
  });
  it('keeps the ack of a signal still on the stream and younger than the cutoff', () => {
    expect(ackPrunable('2000000-0', '2000000-0', cutoff)).toBe(false);
    expect(ackPrunable('1000000-0', '1-0', cutoff)).toBe(false);
  });
});
