/**
 * Run as a child process by process-guards.spec.ts: a secret is registered, printed through
 * console by a "library", then an error that carries it in a property (as ioredis' ReplyError
 * carries the AUTH arguments) escapes, once thrown and once as a rejected promise.
 */
import { installProcessGuards, registerSecret } from '@app/observability';

const secret = 'guarded-s3cret-value';
installProcessGuards();
registerSecret(secret);

const err = Object.assign(new Error(`auth failed for ${secret}`), { command: { name: 'auth', args: [secret] } });
console.error('library says:', err);
console.warn({ password: secret });
if (process.argv[2] === 'reject') void Promise.reject(err);
else setImmediate(() => {
  throw err;
});
