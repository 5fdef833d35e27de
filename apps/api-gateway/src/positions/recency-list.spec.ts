import fc from 'fast-check';
import { RecencyList } from './recency-list';

describe('RecencyList', () => {
  it('lists newest first whatever the insertion order, ties by numeric id, like a full sort', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 2000 })), { maxLength: 60 }), (rows) => {
        const list = new RecencyList<string>();
        const unique = [...new Map(rows.map(([t, n]) => [`${n}-0`, t])).entries()];
        for (const [id, t] of unique) list.insert(t, id, id);
        const sorted = [...unique].sort(([ia, ta], [ib, tb]) => tb - ta || ib.localeCompare(ia, 'en', { numeric: true })).map(([id]) => id);
        expect(list.newest()).toEqual(sorted);
        expect(list.newest(5)).toEqual(sorted.slice(0, 5));
        expect(list.size).toBe(unique.length);
      }),
      { seed: 14, numRuns: 300 },
    );
  });
});
