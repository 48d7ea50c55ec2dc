// SIGHUP asks `buzzwatch start` to read its config file again. Node's default action for SIGHUP ends the process, and
// it stays the action until something listens: when `start` installed its listener, a SIGHUP that came while the
// command's modules, the config and the logger were still loading (the first second, longer under load) killed it.
// So the entry point listens first, before it loads anything else, and this one listener serves the whole life of
// the process: swapping listeners would lose a signal caught for a listener removed before it ran (Node drops it).
// Imports nothing, so that it loads at once.

let handler: (() => void) | null = null;
let pending = false;
let listening = false;

/** Starts listening for SIGHUP; a signal with no handler yet is kept (once: one reload reads the newest file). */
export function listenForReloadSignals(): void {
  if (listening) return;
  listening = true;
  process.on('SIGHUP', () => {
    if (handler === null) pending = true;
    else handler();
  });
}

/** Hands every SIGHUP to `next` from now on, starting with one that came before (listening if nothing did yet). */
export function handleReloadSignals(next: () => void): void {
  listenForReloadSignals();
  handler = next;
  if (pending) {
    pending = false;
    next();
  }
}
