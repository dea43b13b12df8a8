import type { Handler } from './http.js';

export interface Route {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** `/images/{name}/json`; a param named `name` matches across slashes, as image names contain them. */
  path: string;
  handler: Handler;
}

interface Compiled {
  method: string;
  re: RegExp;
  keys: string[];
  handler: Handler;
}

export interface Match {
  handler: Handler;
  params: Record<string, string>;
}

/** A declarative route table compiled to regular expressions, tried in order. */
export class Router {
  #routes: Compiled[] = [];

  add(routes: readonly Route[]): this {
    for (const r of routes) {
      const keys: string[] = [];
      const pattern = r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, key: string) => {
        keys.push(key);
        return key === 'name' ? '(.+)' : '([^/]+)';
      });
      this.#routes.push({ method: r.method, re: new RegExp(`^${pattern}/?$`), keys, handler: r.handler });
    }
    return this;
  }

  /** `undefined` when no path matches; `'method'` when the path exists for other methods. */
  match(method: string, path: string): Match | 'method' | undefined {
    let pathMatched = false;
    for (const r of this.#routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
      return { handler: r.handler, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}
