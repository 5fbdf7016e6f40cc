/** Public surface of the GitHub simulator and the OpenAPI request checker. */
export { startSimulator, Simulator, type SimulatorOptions, type RequestRecord, type Violation } from "./server.js";
export { SimState, blobSha, type SimRepo, type SimIssue, type SimComment, type SimNotification, type PrFile } from "./state.js";
export { loadOpenApi, type OpenApiChecker, type CheckRequest, type CheckResult } from "./openapi.js";
export { signPayload, deliverWebhook, type DeliverOptions, type DeliveryResult } from "./webhooks.js";
export type { WebhookEvent } from "./payloads.js";
export { extractMentions } from "./mentions.js";
