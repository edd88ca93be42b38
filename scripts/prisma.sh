#!/bin/sh
# Runs the Prisma CLI without its native engines. The client uses the query compiler
# (engineType = "client") and the CLI uses its WebAssembly schema engine through the driver
# adapter in prisma.config.ts, so the engine binaries Prisma would otherwise download are never
# loaded. Pointing the engine paths at a placeholder skips that download, which fails offline.
export PRISMA_QUERY_ENGINE_LIBRARY="${PRISMA_QUERY_ENGINE_LIBRARY:-/dev/null}"
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/dev/null}"
export PRISMA_HIDE_UPDATE_MESSAGE=1
exec prisma "$@"
