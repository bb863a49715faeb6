/**
 * Collects frames written during one turn of the event loop and hands them over together at
 * its end (setImmediate), so a stream carrying many small frames sends one message per loop
 * turn instead of one per frame. Nothing waits for more input: a lone frame leaves as soon as
 * the code that wrote it yields.
 */
export class FrameBatch<F> {
  private frames: F[] = [];
  private scheduled = false;

  constructor(private readonly send: (frames: F[]) => void) {}

  push(frame: F): void {
    this.frames.push(frame);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Sends what is pending now (before ending the stream). */
  flush(): void {
    this.scheduled = false;
    if (this.frames.length === 0) return;
    const frames = this.frames;
    this.frames = [];
    this.send(frames);
  }
}
