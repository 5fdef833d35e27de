export * from './config-error';
export * from './parse-env';
export * from './env-helpers';
export * from './redis-env';
export * from './base-env';
export * from './load-or-exit';
export * from './job-retention';
export * from './replica-env';
