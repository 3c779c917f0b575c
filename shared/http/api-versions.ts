/**
 * The API versions this service answers, and their lifecycle. A deprecated version still works
 * and says so in `Deprecation` and `Sunset` headers (RFC 9745, RFC 8594); a retired one answers
 * 410 before authentication.
 */
export type VersionState =
  | { readonly state: 'current' }
  | {
      readonly state: 'deprecated';
      readonly deprecatedAt: Date;
      readonly sunsetAt: Date;
      readonly successor: string;
    }
  | { readonly state: 'retired'; readonly successor: string };

export const API_VERSIONS: Readonly<Record<string, VersionState>> = {
  v1: { state: 'current' },
};

/** The version segment of a route (`v1/awards` → `v1`), or undefined for unversioned routes. */
export function versionOf(route: string): string | undefined {
  const match = /^(v\d+)\//.exec(route);
  return match?.[1];
}

export function versionHeaders(state: VersionState | undefined): Record<string, string> {
  if (state?.state !== 'deprecated') return {};
  return {
    Deprecation: `@${Math.floor(state.deprecatedAt.getTime() / 1000)}`,
    Sunset: state.sunsetAt.toUTCString(),
    Link: `</api/${state.successor}/>; rel="successor-version"`,
  };
}
