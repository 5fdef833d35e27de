export * from './names';
export * from './timestamp';
export * from './codec';
export * from './signal-source';
export * from './signal.schema';
export * from './candle.schema';
export * from './market-entry.schema';
export * from './position.schema';
