import { migrate, type Migration } from './migrations';

/**
 * The SQLite schema of a small object (the receipt log, the metrics) made on
 * its first write, not on construction: a read of an object that never held
 * anything must not leave storage behind. `sql()` migrates once per instance;
 * `exists()` answers without making anything; `forget()` after `deleteAll`.
 */
export class LazySchema {
  #migrated = false;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly migrations: readonly Migration[],
    /** A table the first migration makes: its presence says the schema is there. */
    private readonly table: string,
  ) {}

  /** The SQL handle, the schema made or brought up to date first. */
  sql(): SqlStorage {
    if (!this.#migrated) {
      migrate(this.storage, this.migrations);
      this.#migrated = true;
    }
    return this.storage.sql;
  }

  /** Whether the schema is there; never makes it. */
  exists(): boolean {
    if (this.#migrated) return true;
    const found = this.storage.sql.exec(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
      this.table,
    );
    return found.toArray().length > 0;
  }

  /** After `deleteAll`: the next write makes the schema again. */
  forget(): void {
    this.#migrated = false;
  }
}
