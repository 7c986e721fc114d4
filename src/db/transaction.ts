import type { Db, Queryable, Tx } from './client';

/**
 * The one way to open a transaction. Inside one already, it runs in that transaction, so a
 * service that calls another service writes all or nothing.
 */
export function inTransaction<T>(db: Queryable, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (isTransaction(db)) return work(db);
  return (db as Db).transaction(work);
}

function isTransaction(db: Queryable): db is Tx {
  return typeof (db as Tx).rollback === 'function';
}
