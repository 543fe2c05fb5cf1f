import type { EventChannel, Events } from '../../shared/contract';

type Listener<E extends EventChannel> = (payload: Events[E]) => void;

/** Main → renderer events inside the engine; the shell, the web bridge and the CLI subscribe. */
export class EventBus {
  private readonly listeners = new Map<EventChannel, Set<Listener<EventChannel>>>();

  on<E extends EventChannel>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<EventChannel>);
    return () => set.delete(listener as Listener<EventChannel>);
  }

  /** Every event, for forwarders (IPC, WebSocket). */
  onAny(listener: <E extends EventChannel>(event: E, payload: Events[E]) => void): () => void {
    const offs = (['job:progress', 'job:log', 'job:done', 'sandbox:progress'] as const).map((e) =>
      this.on(e, (p) => listener(e, p)),
    );
    return () => offs.forEach((off) => off());
  }

  emit<E extends EventChannel>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch {
        // A broken subscriber must not break the job that emits.
      }
    }
  }
}
