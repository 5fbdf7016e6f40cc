import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "../observability/metrics.js";

/** `GET /metrics`: this app instance's registry in Prometheus' text format. */
export function metricsHandler(metrics: Metrics) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") return false;
    try {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(`metrics unavailable: ${(error as Error).message}\n`);
    }
    return true;
  };
}
