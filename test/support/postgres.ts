import { scratchPostgres } from "../../src/store/scratch-postgres.js";

/** The PostgreSQL server of CI and development; a missing server fails the tests that need it. */
export const PG_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

/** A fresh, empty schema on the test server, and a database URL that uses it. */
export const freshPostgres = () => scratchPostgres(PG_URL);
