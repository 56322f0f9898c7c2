# Stacklab: one Node process serving the web app; SQLite data on a volume.
FROM node:20-bookworm
WORKDIR /app
# better-sqlite3 compiles from source here (python3, make and g++ are in the image).
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx vite build --config client/vite.config.ts
ENV PORT=3000 STACKLAB_DATA=/data NODE_ENV=production
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD node -e "fetch('http://localhost:3000/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "--import", "tsx", "server/main.ts", "serve"]
