/** Plain per-instance counts, for health details and tests (the prom-client series are process-wide). */
export interface BinanceFeedStats {
  connects: number;
  reconnects: number;
  rotations: number;
  stalls: number;
  gapFilledCandles: number;
  gapFillFailures: number;
  malformedFrames: number;
  duplicateCandles: number;
}

export function emptyStats(): BinanceFeedStats {
  return {
    connects: 0, reconnects: 0, rotations: 0, stalls: 0,
    gapFilledCandles: 0, gapFillFailures: 0, malformedFrames: 0, duplicateCandles: 0,
  };
}
