import { scratchPostgres } from "../../src/store/scratch-postgres.js";

/**
 * The PostgreSQL server of the tests: CI's (TEST_DATABASE_URL), else the one that
 * test/support/global-setup.ts started for this run. A server that cannot be reached fails the tests.
 */
export const PG_URL = process.env.TEST_DATABASE_URL ?? "";
if (!PG_URL) throw new Error("TEST_DATABASE_URL is unset: run the tests through jest (its global setup starts a PostgreSQL)");

/** A fresh, empty schema on the test server, and a database URL that uses it. */
export const freshPostgres = () => scratchPostgres(PG_URL);
