import { STREAMS } from '@app/contracts';
import { jobIdFor } from './telegram.queue';

describe('jobIdFor', () => {
  it('names a job by the stream without its hash tag, as before the tags: no colon (BullMQ refuses one), and a redelivery after the key migration maps to the same job', () => {
    expect(STREAMS.signals).toBe('{feed}:signals');
    expect(jobIdFor(STREAMS.signals, '1732185045123-0')).toBe('signals-1732185045123-0');
    expect(jobIdFor(STREAMS.positions, '1-2')).toBe('positions-1-2');
    expect(jobIdFor(STREAMS.control, '3-0')).toBe('control-3-0');
  });
});
