import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, INSECURE_TEST_MIN_KDF, loadConfig, PRODUCTION_MIN_KDF } from '../../src/server/config.js';

/** loadConfig, expecting a ConfigError; returns its message. */
function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('configuration from the environment', () => {
  it('has safe defaults: port 5000 on loopback, SQLite under ./data, production KDF minimum', () => {
    const c = loadConfig({});
    expect(c.port).toBe(5000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.env).toBe('production');
    expect(c.dataDir).toBe(path.resolve('data'));
    expect(c.database).toEqual({ kind: 'sqlite', file: path.resolve('data', 'parley.sqlite') });
    expect(c.redisUrl).toBeUndefined();
    expect(c.tls).toBeUndefined();
    expect(c.trustProxy).toBe(false);
    expect(c.minKdf).toEqual(PRODUCTION_MIN_KDF);
    expect(c.limits.loginFailuresPerAccount).toBe(5);
    expect(c.allowedOrigins).toEqual(expect.arrayContaining(['http://localhost:5000', 'http://127.0.0.1:5000']));
    expect(c.allowedOrigins.every((o) => o.endsWith(':5000'))).toBe(true);
  });

  it('does not read process.env when given an explicit environment', () => {
    const before = process.env.PORT;
    process.env.PORT = '6123';
    try {
      expect(loadConfig({}).port).toBe(5000);
    } finally {
      if (before === undefined) delete process.env.PORT;
      else process.env.PORT = before;
    }
  });

  it('reads PORT, HOST, DATA_DIR and a PostgreSQL DATABASE_URL', () => {
    const c = loadConfig({ PORT: '8080', HOST: 'localhost', DATA_DIR: '/tmp/parley-x', DATABASE_URL: 'postgres://u@db:5432/p' });
    expect(c.port).toBe(8080);
    expect(c.host).toBe('localhost');
    expect(c.dataDir).toBe('/tmp/parley-x');
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/p' });
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@db/p' }).database.kind).toBe('postgres');
  });

  it('refuses a non-loopback HOST without TLS or TRUST_PROXY, and says how to fix it', () => {
    const message = configError({ HOST: '0.0.0.0' });
    expect(message).toContain('HOST=0.0.0.0');
    expect(message).toContain('TLS_CERT');
    expect(message).toContain('TLS_KEY');
    expect(message).toContain('TRUST_PROXY');
    expect(configError({ HOST: '192.168.1.20' })).toContain('TRUST_PROXY');
    expect(configError({ HOST: '::' })).toContain('TRUST_PROXY');
  });

  it('serves a non-loopback HOST behind a trusted proxy', () => {
    const c = loadConfig({ HOST: '0.0.0.0', TRUST_PROXY: 'true' });
    expect(c.host).toBe('0.0.0.0');
    expect(c.trustProxy).toBe(true);
    expect(loadConfig({ HOST: '0.0.0.0', TRUST_PROXY: '10.0.0.1, 10.0.0.2' }).trustProxy).toEqual(['10.0.0.1', '10.0.0.2']);
    const hops = loadConfig({ HOST: '0.0.0.0', TRUST_PROXY: '1' }).trustProxy;
    expect(typeof hops).toBe('function');
    expect((hops as (a: string, h: number) => boolean)('10.0.0.1', 0)).toBe(true);
    expect((hops as (a: string, h: number) => boolean)('10.0.0.1', 1)).toBe(false);
  });

  it('serves a non-loopback HOST with TLS, and refuses half a TLS configuration', () => {
    const c = loadConfig({ HOST: '0.0.0.0', TLS_CERT: '/c.pem', TLS_KEY: '/k.pem' });
    expect(c.tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
    expect(c.allowedOrigins).toContain('https://localhost:5000');
    expect(configError({ TLS_CERT: '/c.pem' })).toMatch(/TLS_CERT and TLS_KEY must be set together/);
    expect(configError({ TLS_KEY: '/k.pem' })).toMatch(/TLS_CERT and TLS_KEY must be set together/);
  });

  it('allows the insecure test KDF only with NODE_ENV=test', () => {
    expect(configError({ PARLEY_INSECURE_TEST_KDF: 'true', NODE_ENV: 'production' })).toContain('PARLEY_INSECURE_TEST_KDF');
    expect(configError({ PARLEY_INSECURE_TEST_KDF: 'true' })).toContain('NODE_ENV=test');
    expect(configError({ PARLEY_INSECURE_TEST_KDF: 'true', NODE_ENV: 'development' })).toContain('PARLEY_INSECURE_TEST_KDF');
    expect(loadConfig({ PARLEY_INSECURE_TEST_KDF: 'true', NODE_ENV: 'test' }).minKdf).toEqual(INSECURE_TEST_MIN_KDF);
    expect(configError({ PARLEY_INSECURE_TEST_SERVER_HASH: 'true', NODE_ENV: 'production' })).toContain('PARLEY_INSECURE_TEST_SERVER_HASH');
    expect(configError({ PARLEY_INSECURE_TEST_SERVER_HASH: 'true' })).toContain('NODE_ENV=test');
    expect(loadConfig({ PARLEY_INSECURE_TEST_SERVER_HASH: 'true', NODE_ENV: 'test' }).insecureTestServerHash).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).insecureTestServerHash).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).minKdf).toEqual(PRODUCTION_MIN_KDF);
  });

  it('refuses a database URL it cannot serve, with a clear message', () => {
    const message = configError({ DATABASE_URL: 'mysql://x' });
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('postgres://');
    expect(configError({ REDIS_URL: 'http://cache' })).toContain('REDIS_URL');
  });

  it('parses PUBLIC_ORIGIN as a comma-separated list of origins', () => {
    const c = loadConfig({ PUBLIC_ORIGIN: 'https://chat.example.com, https://www.example.com/some/path ,http://localhost:5173' });
    expect(c.allowedOrigins).toEqual(['https://chat.example.com', 'https://www.example.com', 'http://localhost:5173']);
    expect(loadConfig({ PUBLIC_ORIGIN: 'https://chat.example.com:443' }).allowedOrigins).toEqual(['https://chat.example.com']);
    expect(configError({ PUBLIC_ORIGIN: 'chat.example.com' })).toContain('PUBLIC_ORIGIN');
    expect(configError({ PUBLIC_ORIGIN: 'ftp://files.example.com' })).toContain('PUBLIC_ORIGIN');
  });

  it('refuses malformed numbers and booleans instead of guessing', () => {
    expect(configError({ PORT: 'eighty' })).toContain('PORT');
    expect(configError({ PORT: '70000' })).toContain('PORT');
    expect(configError({ LOGIN_FAILURES_PER_ACCOUNT: '0' })).toContain('LOGIN_FAILURES_PER_ACCOUNT');
    expect(configError({ PARLEY_INSECURE_TEST_KDF: 'maybe', NODE_ENV: 'test' })).toContain('PARLEY_INSECURE_TEST_KDF');
    expect(configError({ NODE_ENV: 'staging' })).toContain('NODE_ENV');
  });
});
