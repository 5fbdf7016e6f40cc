/**
 * Turns a pass over stored work into a `drain()` that callers may invoke at any time and as
 * often as they like: a call during a pass is folded into one more pass after it, and every
 * caller's promise settles only once the work it asked for is done.
 */
export function coalesced(pass: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
}
