export * from './exit-rule';
export * from './trade-math';
export * from './costs';
export * from './costs.config';
export * from './trade-stats';
export * from './position-policy';
