import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runSample, SampleRun } from '../../test/sample-run';

/**
 * The pipeline's whole output on the bundled BTC/ETH sample (every signal, field by field, with
 * its votes and their reasons; every candle's outcome; every strategy's vote on every candle)
 * is what it was when the fixture was written (test/write-sample-run.ts). Speed work on the
 * indicators, votes and fusion must not change a single signal.
 */
describe('pipeline output on the bundled sample', () => {
  const expected = JSON.parse(gunzipSync(readFileSync(join(__dirname, '..', '..', 'test', 'fixtures', 'sample-run.json.gz'))).toString('utf8')) as SampleRun;
  const actual = runSample();

  it('emits the same signals, field by field, votes and reasons included', () => {
    expect(actual.signals).toHaveLength(expected.signals.length);
    actual.signals.forEach((s, i) => expect({ i, ...s }).toEqual({ i, ...expected.signals[i] }));
  });

  it('ends every candle with the same outcome', () => {
    expect(actual.outcomes).toEqual(expected.outcomes);
  });

  it("gives every strategy's same vote on every candle", () => {
    expect(actual.votes).toEqual(expected.votes);
  });
});
