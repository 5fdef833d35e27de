/** Injection tokens shared by the gateway's modules (and any feature module added to it). */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
