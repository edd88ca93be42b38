//! The offer discount: a Shopify Discount Function that gives a cart line the discount its signed
//! upsell offer carries (see README.md beside this folder).
//!
//! Shopify runs it as a WASI command module: it calls the `run` export, which reads the input query's
//! result as JSON on stdin and writes the operations as JSON on stdout.

mod base64url;
mod date;
mod discount;
mod token;

use std::io::{Read, Write};

/// The `cart.lines.discounts.generate.run` target.
#[export_name = "run"]
pub extern "C" fn run() {
    let mut input = Vec::new();
    // An input that cannot be read whole does not parse, and gets no discount.
    if std::io::stdin().read_to_end(&mut input).is_err() {
        input.clear();
    }
    let output = discount::generate(&input);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(&output);
    let _ = stdout.flush();
}

/// The same target, for WASI runners that only start the module.
fn main() {
    run();
}
