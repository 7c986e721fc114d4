import DataLoader from 'dataloader';
import type { Viewer } from './auth/viewer';
import type { Config } from './config';
import type { Database, Db } from './db/client';
import type { EventHub } from './events/hub';

/** One set of DataLoaders per request (or per WebSocket event), so batches never mix viewers. */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  /** The loader under `name`, made on first use; put every argument that changes the SQL into the name. */
  get<K, V>(name: string, batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>): DataLoader<K, V> {
    let loader = this.loaders.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(batch);
      this.loaders.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }

  /** Forgets every cached row: each event of a subscription resolves against fresh data. */
  clear(): void {
    this.loaders.clear();
  }
}

export interface Context {
  config: Config;
  database: Database;
  db: Db;
  viewer: Viewer;
  loaders: Loaders;
  /** This process's event hub, for subscriptions. */
  events: EventHub;
}

export function createContext(config: Config, database: Database, events: EventHub, viewer: Viewer): Context {
  return { config, database, db: database.db, viewer, loaders: new Loaders(), events };
}
