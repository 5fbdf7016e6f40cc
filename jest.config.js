/** Jest runs the TypeScript sources directly as ES modules (ts-jest's ESM mode). */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json", diagnostics: { ignoreCodes: [151002] } }],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 60000,
  maxWorkers: 2,
};
