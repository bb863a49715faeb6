// A benchmark or a long demo pushes millions of calls through one fake; everything it keeps is capped.

/** The cap on every record list and store, newest kept. */
export const MAX_RECORDS = 10_000;

/**
 * Appends and drops the oldest entries beyond `max`. It drops a tenth at a time, so a full list
 * costs one splice per max/10 pushes instead of a shift per push; the array stays the same
 * object, so a reference a test holds stays current.
 */
export function pushBounded<T>(list: T[], item: T, max = MAX_RECORDS): void {
  if (list.length >= max) list.splice(0, Math.max(1, list.length - max + Math.ceil(max / 10)));
  list.push(item);
}

/** A Map that forgets its oldest insertions beyond `max`. */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max = MAX_RECORDS) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.max) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}
