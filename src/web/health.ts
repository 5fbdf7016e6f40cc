import type { IncomingMessage, ServerResponse } from "node:http";
import type { Store } from "../store/store.js";

/** `GET /healthz`: 200 when the process and its database answer, 503 otherwise. */
export function healthHandler(store: Store) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/healthz") return false;
    try {
      await store.ping();
      const queue = await store.deliveries.counts();
      // Also while being applied: a caller waiting for quiet must not see it before the action is done.
      const actionsPending = await store.actions.unsettled();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", queue, actionsPending }));
    } catch {
      res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ status: "database unavailable" }));
    }
    return true;
  };
}
