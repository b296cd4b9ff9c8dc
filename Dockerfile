# dprs gateway — multi-stage build, runs the compiled output with plain node as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY core ./core
COPY gateway ./gateway
COPY adapters ./adapters
COPY catalog ./catalog
COPY schemas ./schemas
COPY scripts ./scripts
COPY test ./test
RUN npm run build && npm prune --omit=dev && rm -rf dist/test

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=8080 DATA_DIR=/var/lib/dprs
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
# read at run time: the gazette (licensing items, departments, the 附件3 template) and the portal
COPY --from=build /app/catalog/seed ./catalog/seed
COPY --from=build /app/catalog/portal ./catalog/portal
RUN mkdir -p /var/lib/dprs && chown node:node /var/lib/dprs
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/scripts/cli.js"]
CMD ["serve"]
