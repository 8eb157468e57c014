# syntax=docker/dockerfile:1

# Node.js 24, the current LTS (keep in step with IMAGE_NODE_MAJOR in .ci/run, which tests on it).
ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: compile TypeScript with the dev dependencies ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- production dependencies only ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- runtime: non-root, no compiler, no dev dependencies ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PGLITE_DIR=/app/data/pglite \
    DECKS_DIR=/app/decks \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node scripts/build-if-stale.mjs ./scripts/
COPY --chown=node:node drizzle ./drizzle
COPY --chown=node:node decks ./decks
# The embedded database's folder; mount a volume here when running without DATABASE_URL
# (docker run -v deepcards-data:/app/data). No VOLUME line: on PostgreSQL there is nothing to keep here.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
# /healthz answers while the process and its event loop do; readiness (/readyz) is for orchestrators.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz',{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Migrations run at startup; the bot connects to Discord only once they and the decks are ready.
# Operational scripts run from the compiled JavaScript: docker compose exec bot npm run decks:check
CMD ["node", "dist/src/index.js"]
