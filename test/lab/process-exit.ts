/**
 * Synchronous clean-ups run when the process ends, however it ends (normal exit, uncaught
 * error, SIGINT/SIGTERM/SIGHUP): servers must never outlive the test process that owns them.
 */
type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
let installed = false;

function runAll(): void {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Keep going: the other servers still need stopping.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  const signals: [NodeJS.Signals, number][] = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]];
  for (const [signal, code] of signals) {
    process.on(signal, () => {
      runAll();
      process.exit(code);
    });
  }
}

/** Registers a clean-up; returns a function that unregisters it (call it after a normal stop). */
export function onProcessExit(cleanup: Cleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}
