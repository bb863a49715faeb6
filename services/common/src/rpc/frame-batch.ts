/**
 * Collects frames written during one turn of the event loop and hands them over together at
 * its end (setImmediate), so a stream carrying many small frames sends one message per loop
 * turn instead of one per frame. Nothing waits for more input: a lone frame leaves as soon as
 * the code that wrote it yields. A batch also leaves once it holds `maxFrames`, which bounds a
 * message's size (ChatMux frames of up to 256 KB each, well under the 32 MB gRPC limit).
 */
export class FrameBatch<F> {
  private frames: F[] = [];
  private scheduled = false;

  constructor(
    private readonly send: (frames: F[]) => void,
    private readonly maxFrames = 64,
  ) {}

  push(frame: F): void {
    this.frames.push(frame);
    if (this.frames.length >= this.maxFrames) return this.flush();
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Sends what is pending now (before ending the stream). */
  flush(): void {
    if (this.frames.length === 0) return;
    const frames = this.frames;
    this.frames = [];
    this.send(frames);
  }
}
