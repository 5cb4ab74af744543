// Prepared statements kept for the statements a writer runs once per batch. sql.js's `run` and
// `exec` compile their SQL on every call; the run merge alone (DELTA_RUNS_SQL) took ~0.4 ms to
// compile, against ~1,300 span rows a batch (measured: ~0.3 µs a span, ~5% of the store's work).

import type { BindParams, Database, Statement } from 'sql.js';

export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  private get(sql: string): Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Run one statement (no rows wanted). */
  run(sql: string, params?: BindParams): void {
    const s = this.get(sql);
    try {
      s.run(params ?? undefined);
    } catch (err) {
      s.reset();
      throw err;
    }
  }

  /** The first column of the first row, as a number. */
  number(sql: string, params?: BindParams): number {
    const s = this.get(sql);
    try {
      if (params) s.bind(params);
      return s.step() ? Number(s.get()[0]) : NaN;
    } finally {
      s.reset();
    }
  }

  /** The first column of every row, as numbers. */
  numbers(sql: string): number[] {
    const s = this.get(sql);
    const out: number[] = [];
    try {
      while (s.step()) out.push(Number(s.get()[0]));
    } finally {
      s.reset();
    }
    return out;
  }

  /** Free every statement (before the tables they read are dropped, or the database closed). */
  free(): void {
    for (const s of this.statements.values()) s.free();
    this.statements.clear();
  }
}
