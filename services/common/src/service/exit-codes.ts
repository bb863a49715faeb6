/**
 * Exit codes every entry point uses. The supervisor treats CONFIG and LEASE_HELD as final:
 * restarting would fail the same way, and retrying a lease refusal could disturb the running
 * gateway that holds it.
 */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  CONFIG: 2,
  LEASE_HELD: 3,
} as const;
