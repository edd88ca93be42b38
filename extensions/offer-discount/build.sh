#!/bin/sh
# Builds the function to target/wasm32-wasi/release/offer-discount.wasm, offline, with Debian's
# Rust (rustc, cargo, libstd-rust-dev-wasm32, lld) and the crates Debian vendors in
# /usr/share/cargo/registry (.cargo/config.toml): no toolchain or crate comes from the network.
set -eu
cd "$(dirname "$0")"

if [ ! -d /usr/lib/rustlib/wasm32-wasi ]; then
  echo "No wasm32-wasi standard library: apt-get install rustc cargo libstd-rust-dev-wasm32 lld \\" >&2
  echo "  librust-serde-json-dev librust-hmac-dev librust-sha2-dev" >&2
  exit 1
fi

# Debian's toolchain before any rustup one, which has no wasm32-wasi standard library.
PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc exec /usr/bin/cargo build --release --target wasm32-wasi --locked
