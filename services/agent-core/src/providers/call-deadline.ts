/** Why a provider call was stopped before it finished: our timer, or the caller (a cancelled turn). */
export type StopReason = 'timeout' | 'cancelled';

/**
 * The time limit of one provider call (agent.provider_timeout_seconds), as the AbortSignal the
 * SDK is given. It bounds every wait on the provider: for the answer to start and, when it is
 * streamed, for each next piece. A long answer that keeps coming is never cut; an upstream that
 * accepts the connection and then says nothing is. The SDKs' own timeout covers only the wait
 * for the response headers, so a non-streamed answer whose body stalls, or a stream that stops,
 * would otherwise wait forever.
 *
 * The SDKs report our abort as a user abort (before the headers) or swallow it (mid-stream, they
 * end the stream quietly), so callers ask `stopReason` what really happened.
 */
export class CallDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private stopped: StopReason | undefined;
  private readonly onCallerAbort = () => this.stop('cancelled');

  constructor(private readonly caller: AbortSignal, readonly timeoutMs: number) {
    this.timer = setTimeout(() => this.stop('timeout'), timeoutMs);
    if (caller.aborted) this.stop('cancelled');
    else caller.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Aborted when the time is up or the caller cancels. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Set once the call was stopped; the first reason wins. */
  get stopReason(): StopReason | undefined {
    return this.stopped;
  }

  /** The provider sent something: the next wait gets the whole time again. */
  extend(): void {
    if (!this.stopped) this.timer.refresh();
  }

  /** Ends the call's timer and listener; call it in a `finally`. */
  dispose(): void {
    clearTimeout(this.timer);
    this.caller.removeEventListener('abort', this.onCallerAbort);
  }

  private stop(reason: StopReason): void {
    if (this.stopped) return;
    this.stopped = reason;
    clearTimeout(this.timer);
    this.controller.abort();
  }
}
