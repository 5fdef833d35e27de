/** Nest injection tokens of the signal-generator. */
export const GENERATOR_CONFIG = Symbol('GENERATOR_CONFIG');
export const MARKET_DATA_SOURCE = Symbol('MARKET_DATA_SOURCE');
