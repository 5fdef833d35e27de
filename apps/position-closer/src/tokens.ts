/** Injection tokens of the position-closer. */
export const CLOSER_CONFIG = Symbol('CLOSER_CONFIG');

/** `{ now(): Date }`: injected so tests can pin hold times. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
