import type { AppConfig } from '../config';

/** A plain block a person can read (not a log line): where the API is, and for the embedded try-out a token. */
export function firstStartBlock(url: string, config: AppConfig, token?: string): string {
  const store = config.eventStoreUrl ? 'EventStoreDB' : `embedded SQLite in ${config.dataDir}`;
  const lines = [
    `Ledger API      ${url}`,
    `OpenAPI UI      ${url}/docs`,
    `Dashboard       ${url}/dashboard`,
    `Health          ${url}/health  (${url}/health/live, ${url}/health/ready)`,
    `Metrics         ${url}/metrics`,
    `Ledger          ${store}; read models: ${config.mongoUrl ? 'MongoDB' : 'embedded SQLite'}`,
  ];
  if (token) {
    lines.push(
      '',
      'JWT_SECRET was not set: a random one was made for this run (tokens end with it).',
      'A token with every role for the whole country (paste it into the dashboard, or):',
      '',
      `export TOKEN=${token}`,
      `curl -H "Authorization: Bearer $TOKEN" '${url}/api/v1/funding/53?fiscalYear=2026'`,
    );
  }
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '='.repeat(Math.min(width, 100));
  return ['', rule, ...lines, rule, ''].join('\n');
}
