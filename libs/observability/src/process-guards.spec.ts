import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURE = join(__dirname, '..', 'test', 'process-guards.fixture.ts');

function run(mode: 'throw' | 'reject') {
  const r = spawnSync(process.execPath, ['-r', '@swc-node/register', FIXTURE, mode], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('installProcessGuards (a real child process)', () => {
  it.each(['throw', 'reject'] as const)('an escaping error (%s) is one scrubbed fatal line and exit 1; console output is scrubbed too', (mode) => {
    const { status, out } = run(mode);
    expect(status).toBe(1);
    expect(out).not.toContain('guarded-s3cret-value');
    expect(out).toContain("args: [ '[redacted]' ]");
    const fatal = out.split('\n').filter((l) => l.includes('"level":"fatal"'));
    expect(fatal).toHaveLength(1);
    expect(JSON.parse(fatal[0])).toMatchObject({ msg: 'unhandled error; exiting', err: { message: 'auth failed for [redacted]' } });
  });
});
