/**
 * Adapts a readable stream to an async iterable of its chunks as they arrive (no concatenation).
 * It listens from the moment it is called, not from the first read: a child process that exits
 * before anyone reads its stdout gets that stdout resumed by Node (child_process flushStdio), and
 * whatever it held would be dropped, its end missed, and a late reader would wait for ever.
 */
export function chunksOf(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let done = false;
  let error: unknown;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const onData = (c: Buffer): void => {
    queue.push(c);
    if (queue.length >= 16) stream.pause();
    notify();
  };
  const onEnd = (): void => {
    done = true;
    notify();
  };
  const onError = (e: unknown): void => {
    error = e;
    done = true;
    notify();
  };
  stream.on('data', onData);
  stream.once('end', onEnd);
  stream.once('close', onEnd);
  stream.once('error', onError);
  return (async function* () {
    try {
      for (;;) {
        const c = queue.shift();
        if (c) {
          yield c;
          continue;
        }
        if (error) throw error;
        if (done) return;
        if (stream.isPaused()) stream.resume();
        await new Promise<void>((r) => (wake = r));
      }
    } finally {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
    }
  })();
}
