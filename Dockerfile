# syntax=docker/dockerfile:1
#
# parcours-vae: one image for both processes.
#   API    (default): node dist/server.js
#   worker          : node dist/worker.js   (compose overrides the command)
#
# Build:  docker build -t parcours-vae .
# Stages: deps (production node_modules) | build (tsc + workflow bundle) | runtime.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
# base: Node 20 + the npm major the lockfile and package.json "allowScripts" policy are made
# with (the node:20 image ships npm 10, which ignores allowScripts and runs every install script).
FROM ${NODE_IMAGE} AS base
ARG NPM_VERSION=11.19.1
RUN npm install --global "npm@${NPM_VERSION}" && npm cache clean --force
WORKDIR /app

# ---------------------------------------------------------------------------------------------
# deps: production dependencies only (includes the prebuilt @temporalio/core-bridge binaries
# for linux x64/arm64 glibc, which is why the image is Debian-based, not Alpine).
FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# ---------------------------------------------------------------------------------------------
# build: full install, TypeScript compile to dist/ and the prebuilt workflow bundle
# (dist/workflow-bundle.js) so the worker never bundles workflow code at start-up.
FROM base AS build
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build \
  && test -f dist/server.js \
  && test -f dist/worker.js \
  && test -f dist/workflow-bundle.js

# ---------------------------------------------------------------------------------------------
# runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app

# Code and dependencies stay root-owned (read-only for the app user). package.json is needed at
# run time: "type": "module" for dist/*.js and the npm scripts (e.g. migrate:prod).
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# DATA_DIR defaults to ./.data: the only directory the unprivileged user may write to.
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
EXPOSE 3000
# No HEALTHCHECK here: the worker uses the same image and has no HTTP port; the compose file
# declares the API health check (GET /healthz).
CMD ["node", "dist/server.js"]
