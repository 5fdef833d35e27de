import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, JSON_CONTENT_TYPE } from './error-body';

/**
 * 405 with `Allow` instead of Fastify's 404 when the path exists under other methods, and when a
 * request only reached a parametric route because a static path of another method looks like a
 * parameter (`GET /api/signals/acknowledge` would otherwise be read as the symbol "ACKNOWLEDGE").
 *
 * Fastify's router answers "which handler for this method and path", never "which methods for
 * this path", so every route is mirrored, as Fastify registers it, into a second find-my-way
 * router (the one Fastify uses, with the same matching options) that is asked per method.
 * Returns the check for the request gate (request-gate.hook.ts): true when it answered with a 405.
 */
export function methodNotAllowedCheck(fastify: FastifyInstance): (request: FastifyRequest, reply: FastifyReply) => boolean {
  const { caseSensitive, ignoreTrailingSlash, ignoreDuplicateSlashes, maxParamLength } = fastify.initialConfig.routerOptions ?? {};
  const mirror = FindMyWay({ caseSensitive, ignoreTrailingSlash, ignoreDuplicateSlashes, maxParamLength });
  const methods = new Set<string>();

  fastify.addHook('onRoute', (route) => {
    // A catch-all (the CORS preflight's `OPTIONS *`) would make every unknown path a 405.
    if (route.url === '*' || route.url === '/*') return;
    for (const method of ([] as string[]).concat(route.method)) {
      methods.add(method);
      if (!mirror.hasRoute(method as HTTPMethod, route.url)) mirror.on(method as HTTPMethod, route.url, () => undefined);
    }
  });

  /** Methods under which `url` matches a route; with `staticOnly`, only routes without parameters. */
  const allowedMethods = (url: string, staticOnly: boolean): string[] =>
    [...methods].filter((m) => {
      const found = mirror.find(m as HTTPMethod, url);
      return found !== null && (!staticOnly || Object.keys(found.params).length === 0);
    });

  return (request, reply) => {
    const url = request.raw.url ?? '/';
    let allowed: string[] = [];
    if (request.is404) allowed = allowedMethods(url, false);
    else if (hasParams(request.params)) allowed = allowedMethods(url, true).filter((m) => m !== request.method);
    if (allowed.length === 0) return false;
    const path = url.split('?')[0];
    void reply
      .code(405)
      .header('Allow', allowed.join(', '))
      .header('Content-Type', JSON_CONTENT_TYPE)
      .send(errorBody(`method ${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`));
    return true;
  };
}

/** `Object.keys(params).length > 0` without the array, on every request. */
function hasParams(params: unknown): boolean {
  for (const _ in params as object) return true;
  return false;
}
