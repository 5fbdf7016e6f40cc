import { decideDocumentCheck } from "../../core/document-check.js";
import { REGISTRY_PATH } from "../../core/registry.js";
import { defineFeature } from "../feature.js";
import { loadDocumentAtHead, saveDocumentCheck } from "./document-check.js";

/** `tierkeeper/document` on a PR that edits the registry or the tier document. */
export const documentCheck = defineFeature({
  name: "document-check",
  facts: ["pull"],
  load: loadDocumentAtHead,
  decide: ({ path, document, atHead }) => decideDocumentCheck(path, REGISTRY_PATH, document, atHead),
  act: saveDocumentCheck,
});
