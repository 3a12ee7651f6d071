# One image for every service of the graph, running compiled JavaScript; docker-compose.yml picks the
# command per service (a subgraph: node --conditions=production subgraphs/<name>/dist/main.js, the
# gateway: node --conditions=production gateway/dist/main.js). The "production" condition makes the
# workspace packages resolve to their dist/ instead of their TypeScript sources.
FROM node:20-bookworm-slim AS manifests
WORKDIR /src
COPY . .
# Keep only the npm manifests, so the install layer below is reused until a dependency changes.
RUN find . -type f ! -name package.json ! -name package-lock.json -delete && find . -type d -empty -delete

FROM node:20-bookworm-slim
WORKDIR /app
RUN chown node:node /app
USER node
COPY --chown=node:node --from=manifests /src/ ./
# npm install, not npm ci: a lockfile made on Linux x64 lacks other platforms' optional binaries, which
# npm ci refuses. TypeScript (a devDependency) compiles; the dev dependencies are pruned afterwards.
RUN npm install --no-audit --no-fund && npm cache clean --force
COPY --chown=node:node . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund
ENV HOST=0.0.0.0 NODE_ENV=production
EXPOSE 4000 4101 4102 4103 4104 4105 4106
CMD ["node", "--conditions=production", "gateway/dist/main.js"]
