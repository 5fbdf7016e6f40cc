/** Stops the PostgreSQL that global-setup.ts started, if it started one (its data directory goes with it). */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __tierkeeperPostgres?: { stop(): Promise<void> } }).__tierkeeperPostgres?.stop();
}
