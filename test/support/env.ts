/** What the test run was given: the only reader of process.env in the tests. */
export const testEnv = {
  /** postgres://… : run the suite against PostgreSQL (a fresh database per server). */
  databaseUrl: process.env.PARLEY_TEST_DATABASE_URL,
  redisUrl: process.env.PARLEY_TEST_REDIS_URL,
  /** Comma-separated: pg, redis, browser. A required part that cannot run fails the run instead of skipping. */
  require: new Set((process.env.PARLEY_TEST_REQUIRE ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
  chromium: process.env.PARLEY_TEST_CHROMIUM ?? '/usr/bin/chromium',
};

export const dialect: 'sqlite' | 'postgres' = testEnv.databaseUrl ? 'postgres' : 'sqlite';
