import { SetMetadata } from '@nestjs/common';

/** Metadata key read by an app's authorisation guard. */
export const PUBLIC_ROUTE = 'public-route';

/**
 * Marks a controller or handler as reachable without credentials (probes, metrics scrapes, the
 * endpoint index). Guards decide on this metadata of the route the router matched, never on the
 * raw URL: `/%61pi/signals` and `/api/signals` are the same route and must get the same answer.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
