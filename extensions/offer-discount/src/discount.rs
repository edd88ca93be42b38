//! Which cart lines get their offer's discount, and the operations that give it.

use serde_json::{json, Value};

use crate::{date, token};

const OFFER_KEY_BYTES: usize = 32;
const DEFAULT_MESSAGE: &str = "Offer discount";
/// An offer's discount is honoured while the shop's local date is at most this many days after the
/// UTC date it was served (DISCOUNT_DAYS in app/lib/offer-token.server.ts).
const DISCOUNT_DAYS: i64 = 1;
const SECONDS_PER_DAY: u64 = 86_400;

/// The discount's configuration, from its metafield: the app writes it when it creates the discount.
struct Config {
    /// The shop's offer key, which signs its offer ids.
    key: [u8; OFFER_KEY_BYTES],
    /// 0 while the month's budget is spent: nothing is given.
    max_percent: u32,
    message: String,
}

/// What every line is checked against.
struct Cart<'a> {
    config: Config,
    /// The shop's local date as days since 1970-01-01.
    today: i64,
    /// The number of the logged-in customer's gid; None for a guest.
    customer_id: Option<&'a str>,
}

/// The output JSON for the input JSON. Anything unexpected gives no discount rather than an error:
/// a shopper is never refused a checkout over an offer.
pub fn generate(input: &[u8]) -> Vec<u8> {
    let candidates = match serde_json::from_slice::<Value>(input) {
        Ok(input) => candidates(&input),
        Err(_) => Vec::new(),
    };
    let output = if candidates.is_empty() {
        json!({ "operations": [] })
    } else {
        json!({
            "operations": [{
                "productDiscountsAdd": { "candidates": candidates, "selectionStrategy": "ALL" }
            }]
        })
    };
    serde_json::to_vec(&output).unwrap_or_else(|_| b"{\"operations\":[]}".to_vec())
}

fn candidates(input: &Value) -> Vec<Value> {
    let discount = &input["discount"];
    let gives_product_discounts = discount["discountClasses"]
        .as_array()
        .map_or(false, |classes| {
            classes.iter().any(|class| class == "PRODUCT")
        });
    if !gives_product_discounts {
        return Vec::new();
    }
    let cart = match read_cart(input) {
        Some(cart) => cart,
        None => return Vec::new(),
    };
    let lines = match input["cart"]["lines"].as_array() {
        Some(lines) => lines,
        None => return Vec::new(),
    };
    // Units discounted so far under each offer id: a copied id covers its quantity once per cart.
    let mut used: Vec<(&str, u64)> = Vec::new();
    lines
        .iter()
        .filter_map(|line| line_candidate(line, &cart, &mut used))
        .collect()
}

fn read_cart(input: &Value) -> Option<Cart<'_>> {
    let metafield = input["discount"]["metafield"]["value"].as_str()?;
    let customer = &input["cart"]["buyerIdentity"]["customer"]["id"];
    Some(Cart {
        config: read_config(metafield)?,
        today: date::days_since_epoch(input["shop"]["localTime"]["date"].as_str()?)?,
        customer_id: customer
            .as_str()
            .and_then(|gid| gid_number(gid, "Customer")),
    })
}

/// `{"key": "<64 lowercase hex>", "maxPercent": 0 to 100, "message": "<optional>"}`
fn read_config(metafield: &str) -> Option<Config> {
    let value: Value = serde_json::from_str(metafield).ok()?;
    let message = match &value["message"] {
        Value::Null => DEFAULT_MESSAGE.to_owned(),
        Value::String(message) if message.trim().is_empty() => DEFAULT_MESSAGE.to_owned(),
        Value::String(message) => message.clone(),
        _ => return None,
    };
    Some(Config {
        key: hex_key(value["key"].as_str()?)?,
        max_percent: value["maxPercent"]
            .as_u64()
            .filter(|percent| *percent <= 100)? as u32,
        message,
    })
}

fn line_candidate<'a>(
    line: &'a Value,
    cart: &Cart,
    used: &mut Vec<(&'a str, u64)>,
) -> Option<Value> {
    let id = line["id"].as_str()?;
    let quantity = line["quantity"].as_u64().filter(|&quantity| quantity > 0)?;
    let token = line["offer"]["value"].as_str()?;
    let offer = token::verify(token, &cart.config.key)?;
    if !honoured(&offer, line, cart) {
        return None;
    }
    let index = match used.iter().position(|(used_token, _)| *used_token == token) {
        Some(index) => index,
        None => {
            used.push((token, 0));
            used.len() - 1
        }
    };
    let units = quantity.min(u64::from(offer.quantity).saturating_sub(used[index].1));
    if units == 0 {
        return None;
    }
    used[index].1 += units;
    Some(json!({
        "message": cart.config.message,
        "targets": [{ "cartLine": { "id": id, "quantity": units } }],
        "value": { "percentage": { "value": offer.percent } },
    }))
}

/// Whether a verified offer's discount applies to this line of this cart today.
fn honoured(offer: &token::Offer, line: &Value, cart: &Cart) -> bool {
    let merchandise = &line["merchandise"];
    let product = merchandise["product"]["id"]
        .as_str()
        .and_then(|gid| gid_number(gid, "Product"));
    let variant = merchandise["id"]
        .as_str()
        .and_then(|gid| gid_number(gid, "ProductVariant"));
    // The variant whose price the app counted against the budget, of the offered product.
    let for_this_variant = merchandise["__typename"] == "ProductVariant"
        && product.and_then(|number| number.parse::<u64>().ok()) == Some(offer.product)
        && offer.variant.is_some()
        && variant.and_then(|number| number.parse::<u64>().ok()) == offer.variant;
    let served_day = (offer.served_at / SECONDS_PER_DAY) as i64;
    let for_this_buyer = match (offer.buyer, cart.customer_id) {
        (None, _) => true,
        (Some(tag), Some(customer_id)) => token::buyer_matches(tag, &cart.config.key, customer_id),
        (Some(_), None) => false,
    };
    for_this_variant
        && offer.percent > 0
        && offer.percent <= cart.config.max_percent
        && cart.today <= served_day + DISCOUNT_DAYS
        && for_this_buyer
}

/// The number in "gid://shopify/<kind>/<number>", as the digits it is written with.
fn gid_number<'a>(gid: &'a str, kind: &str) -> Option<&'a str> {
    let number = gid
        .strip_prefix("gid://shopify/")?
        .strip_prefix(kind)?
        .strip_prefix('/')?;
    let digits = (1..=20).contains(&number.len()) && number.bytes().all(|c| c.is_ascii_digit());
    digits.then(|| number)
}

fn hex_key(hex: &str) -> Option<[u8; OFFER_KEY_BYTES]> {
    let digits = hex.as_bytes();
    if digits.len() != OFFER_KEY_BYTES * 2 {
        return None;
    }
    let mut key = [0; OFFER_KEY_BYTES];
    for (byte, pair) in key.iter_mut().zip(digits.chunks(2)) {
        *byte = hex_digit(pair[0])? << 4 | hex_digit(pair[1])?;
    }
    Some(key)
}

/// A lowercase hex digit's value.
fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}
