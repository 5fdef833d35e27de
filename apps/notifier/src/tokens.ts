/** Nest injection tokens of the notifier. */
export const NOTIFIER_CONFIG = Symbol('NOTIFIER_CONFIG');
/** The shared, non-blocking connection: delivery state and health checks. */
export const NOTIFIER_REDIS = Symbol('NOTIFIER_REDIS');
export const TELEGRAM_SENDER = Symbol('TELEGRAM_SENDER');
