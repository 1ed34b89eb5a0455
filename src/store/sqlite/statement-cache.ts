import type { Database as Db, Statement } from 'better-sqlite3';

const MAX_STATEMENTS = 500;

/**
 * Statements whose SQL is built at run time (label selectors, deck queries, UPDATE column sets), prepared
 * once each; bounded in case callers vary the SQL without end.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  get(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      if (this.statements.size >= MAX_STATEMENTS) this.statements.clear();
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}
