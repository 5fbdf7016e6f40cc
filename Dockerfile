# tierkeeper: build, then a small runtime image on Node 24 LTS.
#
# Both stages use the same base image, so the native addon (better-sqlite3) built in the build
# stage has the runtime's Node ABI and C library. The build stage has python3/make/g++ and runs
# the full `npm ci` (better-sqlite3 compiles when no prebuilt binary can be downloaded) and `tsc`.
# The runtime stage installs its own production tree from the lockfile with `npm ci --omit=dev`,
# with install scripts off, and takes only the compiled addon from the build stage: no compiler
# in the runtime image and one compilation per build. better-sqlite3 is the only production
# dependency with an install script (test/e2e/container.test.ts checks that, and runs this
# stage's steps: its COPY lines, its `npm ci`, its ENV, CMD and HEALTHCHECK).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATABASE_URL=/data/tierkeeper.db
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/node_modules/better-sqlite3/build/Release/better_sqlite3.node ./node_modules/better-sqlite3/build/Release/better_sqlite3.node
COPY --from=build /app/dist ./dist
COPY app.yml ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# A 4 MB young-generation semi-space: peak RSS under the bench's load 185 MB instead of 220 MB,
# throughput within the run-to-run noise (see README, "Benchmark"). The bench and the tests start
# the server with the same flags (SERVER_NODE_FLAGS in src/demo/stage.ts).
CMD ["node", "--max-semi-space-size=4", "dist/server.js"]
