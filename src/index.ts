/** The package's entry: the Probot app lives in app/tierkeeper.ts. */
export * from "./app/tierkeeper.js";
