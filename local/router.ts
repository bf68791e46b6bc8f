import type { IncomingMessage, ServerResponse } from 'node:http';

/** Path parameters of a matched route (`:name` segments, and `*` for the rest of the path). */
export type RouteParams = Readonly<Record<string, string>>;

/**
 * Handles one request under `/_cpkit/`. It must answer `res` itself (the server never touches it
 * again); a thrown error or rejected promise is logged and answered 500 if nothing was sent yet.
 */
export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: RouteParams,
  url: URL,
) => void | Promise<void>;

interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly segments: readonly string[];
  readonly handler: RouteHandler;
}

/** The result of matching a path: the handler, or why there is none. */
export type RouteMatch =
  | { readonly kind: 'found'; readonly handler: RouteHandler; readonly params: RouteParams }
  | { readonly kind: 'method-not-allowed'; readonly allowed: string[] }
  | { readonly kind: 'not-found' };

/**
 * The engine's own paths under `/_cpkit/` (webhooks, function URLs, later the console). Modules register
 * their routes at start-up; the first registered match wins.
 *
 * Patterns are literal segments, `:param` segments (one non-empty segment, URL-decoded) and a final `*`
 * (the rest of the path, possibly empty, in `params['*']`). Method `*` matches every method.
 *
 * @example
 * router.add('POST', '/_cpkit/webhooks/:name', (req, res, { name }) => { res.end(name); });
 * router.add('*', '/_cpkit/functions/:name/*', handleFunctionUrl);
 */
export class Router {
  private readonly routes: Route[] = [];

  /** Registers a route. Throws for a pattern outside `/_cpkit/` or a `*` that is not last. */
  add(method: string, pattern: string, handler: RouteHandler): this {
    if (!pattern.startsWith('/_cpkit/'))
      throw new Error(`route pattern must start with /_cpkit/: ${pattern}`);
    const segments = pattern.split('/').slice(1);
    const star = segments.indexOf('*');
    if (star !== -1 && star !== segments.length - 1)
      throw new Error(`'*' must be the last segment: ${pattern}`);
    this.routes.push({ method: method.toUpperCase(), pattern, segments, handler });
    return this;
  }

  /** The registered patterns, for diagnostics. */
  patterns(): string[] {
    return this.routes.map((r) => `${r.method} ${r.pattern}`);
  }

  /** Finds the handler for a method and path. */
  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').slice(1);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === '*' || route.method === method.toUpperCase()) {
        return { kind: 'found', handler: route.handler, params };
      }
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

function matchSegments(
  pattern: readonly string[],
  parts: readonly string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const seg = pattern[i];
    if (seg === '*') {
      params['*'] = parts.slice(i).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.startsWith(':')) {
      if (part === '') return undefined;
      try {
        params[seg.slice(1)] = decodeURIComponent(part);
      } catch {
        return undefined;
      }
    } else if (seg !== part) {
      return undefined;
    }
  }
  return parts.length === pattern.length ? params : undefined;
}
