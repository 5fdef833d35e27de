export * from './redis-server';
export * from './redis-cluster';
export * from './free-port';
export * from './wait-for';
export * from './service-process';
export * from './browser';
export * from './tcp-proxy';
export * from './position-replay';
