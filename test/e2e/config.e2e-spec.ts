import { ConfigError, loadLedgerConfig } from '@app/ledger';
import { loadConfig, LOG_LEVELS } from '../../apps/api/src/config';

/** The configuration is checked against its schema at start: each bad variable named, every problem at once. */
describe('configuration schema', () => {
  const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('the configuration was accepted');
  };

  it.each([
    ['PORT', 'abc', /^PORT must be a whole number from 0 to 65535, got "abc"/],
    ['PORT', '70000', /^PORT must be a whole number from 0 to 65535/],
    ['RUN_PROJECTOR', 'yes', /^RUN_PROJECTOR must be true, false, 1 or 0, got "yes"/],
    ['LOG_LEVEL', 'verbose', /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"/],
    ['CONNECT_TIMEOUT_MS', '10s', /^CONNECT_TIMEOUT_MS must be a whole number from 1, got "10s"/],
    ['COMMAND_RATE_LIMIT', '0', /^COMMAND_RATE_LIMIT must be a whole number from 1/],
    ['DUPLICATE_NIK_LIMIT', '2.5', /^DUPLICATE_NIK_LIMIT must be a whole number from 1/],
    ['EVENTSTORE_MAX_APPEND_BYTES', '-1', /^EVENTSTORE_MAX_APPEND_BYTES must be a whole number/],
    ['BODY_LIMIT', 'lots', /^BODY_LIMIT must be a size/],
    ['JWT_JWKS_URL', 'file:///etc/passwd', /^JWT_JWKS_URL must be an http\(s\) URL/],
    ['MONGO_URL', 'http://localhost:27017', /^MONGO_URL must be a mongodb or mongodb\+srv URL/],
    ['EVENTSTORE_URL', 'not a url', /^EVENTSTORE_URL must be a/],
  ])('names %s when it is %j', (name, value, message) => {
    const env = { JWT_SECRET: 's', NIK_PEPPER: 'p', [name]: value };
    const problems = problemsOf(env);
    expect(problems.some((p) => message.test(p))).toBe(true);
  });

  it('lists every problem at once, one line each', () => {
    const env = { PORT: '-1', LOG_LEVEL: 'verbose', RUN_PROJECTOR: 'maybe', CONNECT_TIMEOUT_MS: 'soon', COMMAND_RATE_LIMIT: 'x' };
    const problems = problemsOf(env);
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'COMMAND_RATE_LIMIT',
      'CONNECT_TIMEOUT_MS',
      'LOG_LEVEL',
      'PORT',
      'RUN_PROJECTOR',
    ]);
    expect(() => loadConfig(env)).toThrow(/the configuration has 5 problems:\n {2}- /);
  });

  it('names the secrets production needs together with the other problems', () => {
    const problems = problemsOf({ EVENTSTORE_URL: 'esdb://x:2113?tls=false', LOG_LEVEL: 'loud' });
    expect(problems).toEqual([
      expect.stringMatching(/^NIK_PEPPER must be set/),
      expect.stringMatching(/^JWT_SECRET must be set \(or JWT_JWKS_URL\)/),
      expect.stringMatching(/^LOG_LEVEL/),
    ]);
  });

  it('reads booleans as true/false/1/0: RUN_PROJECTOR=0 is off', () => {
    for (const [raw, value] of [
      ['0', false],
      ['false', false],
      ['FALSE', false],
      ['1', true],
      ['true', true],
    ] as const) {
      expect(loadConfig({ RUN_PROJECTOR: raw }).runProjector).toBe(value);
      expect(loadLedgerConfig({ RUN_PROJECTOR: raw }).runProjector).toBe(value);
    }
    expect(loadConfig({}).runProjector).toBe(true);
    expect(loadConfig({ MONGO_URL: 'mongodb://m/ledger', JWT_SECRET: 's' }).runProjector).toBe(false);
  });

  it('accepts every pino level and the numbers and URLs as given', () => {
    for (const level of LOG_LEVELS) expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
    expect(
      loadConfig({
        PORT: '0',
        CONNECT_TIMEOUT_MS: '2500',
        COMMAND_RATE_LIMIT: '10',
        DUPLICATE_NIK_LIMIT: '3',
        BODY_LIMIT: '512kb',
        JWT_SECRET: 's',
        MONGO_URL: 'mongodb+srv://cluster.example/ledger',
        JWT_JWKS_URL: 'https://issuer.example/jwks',
      }),
    ).toMatchObject({ port: 0, connectTimeoutMs: 2500, commandRateLimit: 10, duplicateNikLimit: 3, bodyLimit: '512kb' });
  });

  it('the CLI and the projector check the ledger part the same way', () => {
    expect(() => loadLedgerConfig({ RUN_PROJECTOR: 'on', CONNECT_TIMEOUT_MS: '0' })).toThrow(
      /the configuration has 2 problems:[\s\S]*CONNECT_TIMEOUT_MS[\s\S]*RUN_PROJECTOR|RUN_PROJECTOR[\s\S]*CONNECT_TIMEOUT_MS/,
    );
  });
});
