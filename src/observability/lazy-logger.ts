import type { Logger } from "pino";

/**
 * `parent.child(bindings)`, made only when first used. The worker gives every delivery a logger
 * with its ids, and most deliveries log nothing; making a pino child is not free: with the
 * redaction's wildcard paths (logging.ts), every binding goes through the redactor, which clones
 * it. Over the bench's day that was a fifth of everything processing allocated.
 */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const made = () => (child ??= parent.child(bindings));
  return new Proxy(parent, {
    get(_, property) {
      const child = made();
      const value: unknown = Reflect.get(child, property);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(child) : value;
    },
    set: (_, property, value) => Reflect.set(made(), property, value),
  });
}
