/**
 * Rewrites test/fixtures/sample-run.json.gz, the pipeline's output on the bundled sample that
 * pipeline/sample-run.spec.ts holds every later version to. Run it only for an intended change of
 * signals, and say so in the commit:
 *   node -r @swc-node/register apps/signal-generator/test/write-sample-run.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runSample } from './sample-run';

const run = runSample();
writeFileSync(join(__dirname, 'fixtures', 'sample-run.json.gz'), gzipSync(JSON.stringify(run)));
process.stdout.write(`${run.signals.length} signals written\n`);
