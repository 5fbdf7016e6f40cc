import type { Db } from "./db.js";

/** Named leases across replicas (the sweep, the redelivery check): one holder at a time. */
export class Locks {
  constructor(private readonly db: Db) {}

  async tryLock(name: string, holder: string, now: Date, leaseMs: number): Promise<boolean> {
    const { changes } = await this.db.run(
      `INSERT INTO locks (name, holder, lease_until) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
       WHERE locks.holder = excluded.holder OR locks.lease_until <= $4`,
      [name, holder, now.getTime() + leaseMs, now],
    );
    return changes === 1;
  }

  async unlock(name: string, holder: string): Promise<void> {
    await this.db.run("DELETE FROM locks WHERE name = $1 AND holder = $2", [name, holder]);
  }
}
