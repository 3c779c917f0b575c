import type {
  HttpFunctionDefinition,
  HttpMethod,
} from '../../shared/registry/function-registry.js';

export interface RouteMatch {
  readonly definition: HttpFunctionDefinition;
  readonly params: Record<string, string>;
}

export type RouteLookup =
  | { readonly kind: 'match'; readonly match: RouteMatch }
  | { readonly kind: 'method_not_allowed'; readonly allowed: readonly HttpMethod[] }
  | { readonly kind: 'not_found' };

interface CompiledRoute {
  readonly definition: HttpFunctionDefinition;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles a Functions route template (`v1/awards/{id}`, `{name?}`, `{id:int}`) to a regex. */
export function compileRoute(template: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z][A-Za-z0-9]*)(?::[a-z]+)?(\?)?\}$/.exec(segment);
      if (param?.[1] === undefined) return `/${escapeLiteral(segment)}`;
      names.push(param[1]);
      return param[2] === '?' ? '(?:/([^/]+))?' : '/([^/]+)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`), names };
}

/** Matches request paths (below `/api`) to definitions, literal routes before parameterised. */
export function createRouteTable(definitions: readonly HttpFunctionDefinition[]) {
  const compiled: CompiledRoute[] = definitions
    .map((definition) => ({ definition, ...compileRoute(definition.route) }))
    .sort((a, b) => a.names.length - b.names.length);
  return {
    lookup(method: string, path: string): RouteLookup {
      const allowed: HttpMethod[] = [];
      for (const route of compiled) {
        const found = route.pattern.exec(path);
        if (found === null) continue;
        const isAllowed =
          route.definition.methods.includes(method as HttpMethod) || method === 'OPTIONS';
        if (!isAllowed) {
          allowed.push(...route.definition.methods);
          continue;
        }
        const params: Record<string, string> = {};
        route.names.forEach((name, index) => {
          const value = found[index + 1];
          if (value !== undefined) params[name] = decodeURIComponent(value);
        });
        return { kind: 'match', match: { definition: route.definition, params } };
      }
      return allowed.length > 0 ? { kind: 'method_not_allowed', allowed } : { kind: 'not_found' };
    },
  };
}
