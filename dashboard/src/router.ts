// Hash routing: #/ (monitors), #/monitors/<id>[?range=7d&end=<ISO>],
// #/monitors/<id>/runs/<run_id>. The hash never reaches the server, so the
// collector serves one page; `end` pins the analytics to a past moment (a
// link to "the chart as it was at the incident").

import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { view: 'monitors' }
  | { view: 'monitor'; monitorId: string; range?: string; end?: string }
  | { view: 'run'; monitorId: string; runId: string }
  | { view: 'not-found'; path: string };

/** The route a location hash names. */
export function parseRoute(hash: string): Route {
  const [path = '/', search = ''] = (hash.replace(/^#/, '') || '/').split('?');
  const params = new URLSearchParams(search);
  let parts: string[];
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { view: 'not-found', path }; // a malformed escape, e.g. a link cut short while pasting
  }
  if (parts.length === 0) return { view: 'monitors' };
  if (parts[0] === 'monitors' && parts[1] !== undefined) {
    if (parts.length === 2) {
      const range = params.get('range');
      const end = params.get('end');
      return { view: 'monitor', monitorId: parts[1], ...(range && { range }), ...(end && { end }) };
    }
    if (parts[2] === 'runs' && parts[3] !== undefined && parts.length === 4) {
      return { view: 'run', monitorId: parts[1], runId: parts[3] };
    }
  }
  return { view: 'not-found', path };
}

/** The hash of a route, for links. */
export function href(route: Route): string {
  switch (route.view) {
    case 'monitors':
      return '#/';
    case 'monitor': {
      const params = new URLSearchParams();
      if (route.range) params.set('range', route.range);
      if (route.end) params.set('end', route.end);
      const search = params.toString();
      return `#/monitors/${encodeURIComponent(route.monitorId)}${search === '' ? '' : `?${search}`}`;
    }
    case 'run':
      return `#/monitors/${encodeURIComponent(route.monitorId)}/runs/${encodeURIComponent(route.runId)}`;
    case 'not-found':
      return `#${route.path}`;
  }
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
