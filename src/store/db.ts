/**
 * The smallest database surface the store needs, implemented by sqlite.ts and postgres.ts.
 * SQL is written once, with `$1, $2` placeholders; each driver adapts it.
 */

export type Param = string | number | boolean | null | undefined | Date;

export interface Db {
  readonly dialect: "sqlite" | "postgres";
  /** Rows of a statement (a SELECT, or a write with RETURNING). */
  query<T = Record<string, unknown>>(sql: string, params?: readonly Param[]): Promise<T[]>;
  /** A write; `changes` is the number of rows inserted, updated or deleted. */
  run(sql: string, params?: readonly Param[]): Promise<{ changes: number }>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction, committed when it resolves and rolled back when it throws.
   * Inside, use only `tx`. Calling `tx.transaction` joins the open transaction.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Values both drivers bind the same way: times as epoch milliseconds, booleans as 0/1. */
export function toDbParams(params: readonly Param[] = []): (string | number | null)[] {
  return params.map((p) => (p === undefined || p === null ? null : p instanceof Date ? p.getTime() : typeof p === "boolean" ? (p ? 1 : 0) : p));
}

/** The first row, or undefined. */
export async function queryOne<T>(db: Db, sql: string, params?: readonly Param[]): Promise<T | undefined> {
  return (await db.query<T>(sql, params))[0];
}
