import type { JsonRecord, StoreBatch } from "restsync";

/** Record changes per table: key → record, or null once deleted. */
export type Changes = Map<string, Map<string, JsonRecord | null>>;

/** What one flush takes from the buffer. */
export interface Taken {
  changes: Changes;
  drops: Set<string>;
  states: Map<string, unknown>;
}

/** Writes buffered in memory until the next flush: record changes, dropped tables, state. */
export class PendingWrites {
  changes: Changes = new Map();
  drops = new Set<string>();
  states = new Map<string, unknown>();
  /** Buffered record changes (a flush starts once it passes `flushAfterRecords`). */
  count = 0;

  get empty(): boolean {
    return this.changes.size === 0 && this.drops.size === 0 && this.states.size === 0;
  }

  /** Buffers a batch; throws, before buffering anything, for a state value JSON cannot hold. */
  add(batch: StoreBatch): void {
    // Validate state now, so a value that cannot be stored fails this call, not a later flush.
    const states = (batch.state ?? []).map(
      ({ key, value }) => [key, value === undefined ? undefined : JSON.parse(JSON.stringify(value))] as const,
    );
    for (const table of batch.drops ?? []) {
      this.count -= this.changes.get(table)?.size ?? 0;
      this.changes.delete(table);
      this.drops.add(table);
    }
    for (const { table, key, record } of batch.puts ?? []) this.#stage(table, key, record);
    for (const { table, key } of batch.deletes ?? []) this.#stage(table, key, null);
    for (const [key, value] of states) this.states.set(key, value);
  }

  /** Everything buffered now, for one flush; writes arriving during the flush go to the next one. */
  take(): Taken {
    const taken = { changes: this.changes, drops: this.drops, states: this.states };
    [this.changes, this.drops, this.states, this.count] = [new Map(), new Set(), new Map(), 0];
    return taken;
  }

  /** A flush failed and nothing became visible: its changes go back in front of anything buffered since. */
  restore({ changes, drops, states }: Taken): void {
    for (const [table, later] of this.changes) {
      const merged = changes.get(table) ?? new Map();
      if (this.drops.has(table)) merged.clear();
      for (const [key, value] of later) merged.set(key, value);
      changes.set(table, merged);
    }
    for (const table of this.drops) drops.add(table);
    for (const [key, value] of this.states) states.set(key, value);
    [this.changes, this.drops, this.states] = [changes, drops, states];
    this.count = [...this.changes.values()].reduce((n, m) => n + m.size, 0);
  }

  /** Buffered changes to `table` (whole-table reads flush them first). */
  touches(table: string): boolean {
    return this.changes.has(table) || this.drops.has(table);
  }

  #stage(table: string, key: string, record: JsonRecord | null): void {
    let changes = this.changes.get(table);
    if (!changes) this.changes.set(table, (changes = new Map()));
    if (!changes.has(key)) this.count++;
    changes.set(key, record);
  }
}
