import type { ProfileSummary } from './cpu-profile-summary';
import { profilesMarkdown } from './profiles-md';

const summary = (functions: ProfileSummary['functions'], categories: ProfileSummary['categories']): ProfileSummary => ({ samples: 1000, busy: 800, functions, categories });

describe('profilesMarkdown', () => {
  it('puts the two sides in one table, their categories with the CPU per unit each takes, the small ones summed', () => {
    const md = profilesMarkdown(
      [
        {
          bench: 'gateway',
          goals: ['not met: GET /x req/s: 0.50x bare (goal >= 0.9x bare)'],
          load: 'GET /x',
          sides: [
            {
              name: 'gateway',
              seconds: 8,
              perUnit: { unit: 'request', cpuUs: 800 },
              summary: summary(
                [
                  { name: 'writev', where: '', share: 0.5 },
                  { name: 'a|b', where: 'apps/api-gateway/src/x.js:3', share: 0.25 },
                ],
                [
                  { name: 'node: internals', share: 0.5 },
                  { name: 'apps/api-gateway', share: 0.495 },
                  { name: 'zod', share: 0.005 },
                ],
              ),
            },
            { name: 'bare', seconds: 8, perUnit: { unit: 'request', cpuUs: 400 }, summary: summary([{ name: 'writev', where: '', share: 0.9 }], [{ name: 'node: internals', share: 1 }]) },
          ],
        },
      ],
      { commit: 'abc1234', date: '2026-12-07 09:00' },
    );
    expect(md).toContain('- not met: GET /x req/s: 0.50x bare (goal >= 0.9x bare)');
    expect(md).toContain('| # | gateway (8.0 s, 80.0 % busy, 800 µs CPU per request) | | bare (8.0 s, 80.0 % busy, 400 µs CPU per request) | |');
    expect(md).toContain('| 1 | `writev`  | 50.0 % | `writev`  | 90.0 % |');
    expect(md).toContain('| 2 | `a\\|b` apps/api-gateway/src/x.js:3 | 25.0 % |  |  |');
    expect(md).toContain('| node: internals | 50.0 % | 400 µs | 100.0 % | 400 µs |');
    expect(md).toContain('| apps/api-gateway | 49.5 % | 396 µs | 0.0 % | 0 µs |');
    expect(md).toContain('| others under 1.0 % (1) | 0.5 % | 4 µs | 0.0 % | 0 µs |');
  });

  it('says so when every goal was met', () => {
    expect(profilesMarkdown([], { commit: 'abc1234', date: '2026-12-07 09:00' })).toContain('Every goal was met: nothing profiled.');
  });
});
