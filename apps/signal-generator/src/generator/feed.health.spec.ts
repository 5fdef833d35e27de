import type { MarketDataSource } from '../market-data/market-data-source';
import { FeedLiveness } from './feed.health';

class StubSource implements MarketDataSource {
  connected = false;
  lastCandleAt: number | undefined;
  async run(): Promise<void> {}
  async stop(): Promise<void> {}
}

describe('FeedLiveness', () => {
  it('is live while candles keep coming, down when they stop or the feed disconnects', () => {
    let now = 1_000_000;
    const src = new StubSource();
    const feed = new FeedLiveness(src, 180_000, () => now);
    expect(feed.isLive()).toBe(true); // starting, within the grace period
    feed.state = 'running';
    src.connected = true;
    src.lastCandleAt = now;
    now += 179_000;
    expect(feed.isLive()).toBe(true);
    expect(feed.describe()).toEqual({ state: 'running', connected: true, last_candle_age_seconds: 179 });
    now += 2_000;
    expect(feed.isLive()).toBe(false);
    src.lastCandleAt = now;
    src.connected = false;
    expect(feed.isLive()).toBe(false);
  });

  it('stays up after a replay ends (settling on other replicas, then finished) and goes down when the feed failed, with the reason', () => {
    const src = new StubSource();
    const feed = new FeedLiveness(src, 1000, () => 5e9);
    feed.state = 'settling';
    expect(feed.isLive()).toBe(true);
    feed.state = 'finished';
    expect(feed.isLive()).toBe(true);
    feed.state = 'failed';
    feed.error = 'data/x.csv:3: low 3 is above high 2';
    expect(feed.isLive()).toBe(false);
    expect(feed.describe()).toMatchObject({ state: 'failed', error: 'data/x.csv:3: low 3 is above high 2' });
  });

  it('is down while publishes wait longer than staleMs (Redis down), though candles keep arriving', () => {
    const now = 1_000_000;
    let stalledMs = 0;
    const src = new StubSource();
    const feed = new FeedLiveness(src, 3_000, () => now, () => stalledMs);
    feed.state = 'running';
    src.connected = true;
    src.lastCandleAt = now;
    stalledMs = 2_000;
    expect(feed.isLive()).toBe(true);
    stalledMs = 3_500;
    expect(feed.isLive()).toBe(false);
    expect(feed.describe()).toMatchObject({ publish_stalled_seconds: 3.5 });
  });
});
