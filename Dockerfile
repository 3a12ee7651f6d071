# One image for every service of the graph; docker-compose.yml picks the command per service
# (a subgraph: npx tsx subgraphs/<name>/src/main.ts, the gateway: npx tsx gateway/src/main.ts).
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
# npm install, not npm ci: the lockfile made on Linux x64 lacks other platforms' optional binaries (STACK.md).
# tsx (a devDependency) runs the TypeScript sources, so dev dependencies are installed too.
RUN npm install --no-audit --no-fund && npm cache clean --force
COPY --chown=node:node . .
ENV HOST=0.0.0.0
EXPOSE 4000 4101 4102 4103 4104 4105 4106
CMD ["npx", "tsx", "gateway/src/main.ts"]
