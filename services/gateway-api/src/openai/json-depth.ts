/**
 * True when `value` nests objects or arrays more than `maxDepth` levels deep (a flat object is
 * one level). Counted with a stack of its own rather than recursion, because the values it
 * guards would overflow the call stack of anything recursive (JSON.stringify among them).
 */
export function isNestedDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > maxDepth) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}
