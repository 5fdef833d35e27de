import { createLogger } from '../libs/observability/src/logger';

// In-process code under test logs through the shared pino logger; keep test output readable.
// TEST_LOG_LEVEL=debug npx jest ... shows it.
createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
