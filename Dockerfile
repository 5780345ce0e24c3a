# syntax=docker/dockerfile:1
# LifeOS: the API server with the web app built in.
#   docker build -t lifeos .
#   docker run -p 3001:3001 -e JWT_SECRET=... -e ENCRYPTION_KEY=... -e DATABASE_URL=... lifeos
# Without DATABASE_URL it runs on the embedded database in the /data volume.

ARG NODE_VERSION=24

# --- build: every dependency, then the web app (the root `build` script, when there is one)
FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
ENV CI=true EXPO_NO_TELEMETRY=1 NPM_CONFIG_UPDATE_NOTIFIER=false
COPY . .
RUN npm ci --no-audit --no-fund
RUN npm run build --if-present
# The workspace manifests alone, for the production install below; an empty
# web folder when no web app was built.
RUN mkdir -p /manifests apps/mobile/dist \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /manifests/ \; \
 && cp package-lock.json /manifests/

# --- runtime: production dependencies of the server only, as a non-root user
FROM node:${NODE_VERSION}-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3001 \
    DATA_DIR=/data \
    WEB_DIR=/app/web \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY --from=build /manifests/ ./
RUN npm ci --omit=dev --workspace=@lifeos/server --workspace=@lifeos/contract --no-audit --no-fund \
 && npm cache clean --force
COPY packages/contract/src packages/contract/src
COPY apps/server/src apps/server/src
COPY --from=build /app/apps/mobile/dist web
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3001
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3001) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Migrations run at start under an advisory lock, so any number of instances may start at once.
# SIGTERM drains: in-flight requests finish, streams end, then the process exits.
STOPSIGNAL SIGTERM
CMD ["node", "apps/server/src/main.ts"]
