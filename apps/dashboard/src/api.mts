/** Calls to the ledger API with the bearer token kept in sessionStorage. */
const TOKEN_KEY = 'dashboard.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${status}: ${detail}`);
  }
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, value);
}

export interface Claims {
  sub?: string;
  roles?: string[];
  regions?: string[];
  exp?: number;
}

/** The token's claims, read without checking the signature (the API checks it): for the page's choices only. */
export function claimsOf(jwt: string): Claims | null {
  const parts = jwt.split('.');
  if (parts.length !== 3) return null;
  try {
    const json = atob(
      parts[1]
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(parts[1].length / 4) * 4, '='),
    );
    const claims = JSON.parse(json) as unknown;
    return claims && typeof claims === 'object' ? (claims as Claims) : null;
  } catch {
    return null;
  }
}

export function url(path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function call(href: string, accept: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const res = await fetch(href, { headers, credentials: 'omit', cache: 'no-store' });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      const problem = (await res.json()) as { detail?: string; title?: string };
      detail = problem.detail ?? problem.title ?? detail;
    } catch {
      // not problem+json
    }
    throw new ApiError(res.status, detail);
  }
  return res;
}

export async function getJson<T>(href: string): Promise<T> {
  return (await (await call(href, 'application/json')).json()) as T;
}

export async function getBlob(href: string, accept: string): Promise<Blob> {
  return (await call(href, accept)).blob();
}
