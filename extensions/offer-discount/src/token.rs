//! Offer ids of the current format, as app/lib/offer-token.server.ts signs them:
//! "o4.<product>.<variant>.<model version>.<surface>.<served at>.<discount percent>.<experiment>.<quantity>.<buyer>.<segment>.<nonce>.<mac>",
//! numbers in base 36, the MAC base64url of the first 12 bytes of HMAC-SHA256 over everything before
//! its '.', under the shop's offer key. "o3" ids, the same without the segment, are honoured too:
//! their discounts outlive a release that changes the format.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::base64url;

/// What a line property carrying an offer id may hold; longer values are not ours.
const MAX_LENGTH: usize = 96;
const MAC_BYTES: usize = 12;
const MAC_CHARS: usize = 16;
const BUYER_BYTES: usize = 6;

/// The claims of an offer id that verified.
pub struct Offer<'a> {
    /// The number of the offered product's gid.
    pub product: u64,
    /// The number of the offered variant's gid; None when the id names none (then no discount).
    pub variant: Option<u64>,
    /// Unix seconds.
    pub served_at: u64,
    pub percent: u32,
    /// The most units the discount covers.
    pub quantity: u32,
    /// The keyed tag of the customer it was offered to; None for a guest.
    pub buyer: Option<&'a str>,
}

/// The offer id's claims when it is well formed and signed under `key`; None for anything else,
/// including a product id that is not a number (no Shopify product has one).
pub fn verify<'a>(token: &'a str, key: &[u8]) -> Option<Offer<'a>> {
    if token.len() > MAX_LENGTH {
        return None;
    }
    let mut fields: Vec<&str> = token.split('.').collect();
    // An "o3" id is an "o4" one without the segment, which the discount does not read.
    if fields.first() == Some(&"o3") && fields.len() == 12 {
        fields.insert(10, "0");
        fields[0] = "o4";
    }
    let (product, variant, served, percent, quantity, buyer, mac) = match fields.as_slice() {
        ["o4", product, variant, version, surface, served, percent, experiment, quantity, buyer, segment, nonce, mac]
            if base36(product, 11)
                && base36(variant, 13)
                && base36(version, 7)
                && matches!(*surface, "c" | "l" | "t" | "s")
                && base36(served, 8)
                && base36(percent, 2)
                && (*experiment == "0" || is_experiment(experiment))
                && quantity.len() == 1
                && *quantity != "0"
                && base36(quantity, 1)
                && (*buyer == "0" || url_chars(buyer, 8))
                && segment.len() == 1
                && segment.bytes().all(|c| c == b'0' || c.is_ascii_lowercase())
                && url_chars(nonce, 4)
                && url_chars(mac, MAC_CHARS) =>
        {
            (*product, *variant, *served, *percent, *quantity, *buyer, *mac)
        }
        _ => return None,
    };
    let body = &token[..token.len() - MAC_CHARS - 1];
    let expected = base64url::encode(&sign(key, &[body.as_bytes()], MAC_BYTES)?);
    if !equal(expected.as_bytes(), mac.as_bytes()) {
        return None;
    }
    Some(Offer {
        product: u64::from_str_radix(product, 36).ok()?,
        variant: match variant {
            "0" => None,
            variant => Some(u64::from_str_radix(variant, 36).ok()?),
        },
        served_at: u64::from_str_radix(served, 36).ok()?,
        percent: u32::from_str_radix(percent, 36).ok()?,
        quantity: u32::from_str_radix(quantity, 36).ok()?,
        buyer: if buyer == "0" { None } else { Some(buyer) },
    })
}

/// Whether `tag` is the buyer tag of the customer whose gid number is `customer_id`.
pub fn buyer_matches(tag: &str, key: &[u8], customer_id: &str) -> bool {
    match sign(key, &[b"buyer\0", customer_id.as_bytes()], BUYER_BYTES) {
        Some(expected) => equal(base64url::encode(&expected).as_bytes(), tag.as_bytes()),
        None => false,
    }
}

/// The first `bytes` bytes of HMAC-SHA256 under `key` over `parts` in turn.
fn sign(key: &[u8], parts: &[&[u8]], bytes: usize) -> Option<Vec<u8>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    for part in parts {
        mac.update(part);
    }
    Some(mac.finalize().into_bytes()[..bytes].to_vec())
}

/// Compares in time that does not depend on where the bytes differ.
fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |diff, (x, y)| diff | (x ^ y)) == 0
}

fn base36(field: &str, max_len: usize) -> bool {
    (1..=max_len).contains(&field.len()) && field.bytes().all(is_base36)
}

fn is_base36(c: u8) -> bool {
    c.is_ascii_digit() || c.is_ascii_lowercase()
}

/// A 4-character experiment id and the variant's index, 0 to 9.
fn is_experiment(field: &str) -> bool {
    match field.as_bytes() {
        [id @ .., variant] => {
            id.len() == 4 && id.iter().copied().all(is_base36) && variant.is_ascii_digit()
        }
        [] => false,
    }
}

fn url_chars(field: &str, len: usize) -> bool {
    field.len() == len && field.bytes().all(base64url::is_char)
}
