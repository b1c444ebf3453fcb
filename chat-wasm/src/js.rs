//! The few JavaScript globals the bindings use, and JSON across the boundary.
//!
//! Values cross as JSON text: `serde_json` on the Rust side, `JSON.parse`/`JSON.stringify`
//! on the other. That keeps one serializer (chat-core's serde derives) and the bundle small.
//! Timers and `fetch` are bound as globals so the bindings work in a page, a worker and Node.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `fetch(url, init)`.
    #[wasm_bindgen(js_name = fetch)]
    pub fn fetch_with_request(request: &web_sys::Request) -> js_sys::Promise;

    /// `setTimeout(callback, ms)`; the handle is a number in browsers, an object in Node.
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(callback: &js_sys::Function, ms: f64) -> JsValue;

    /// `clearTimeout(handle)`.
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(handle: &JsValue);

    /// `setInterval(callback, ms)`.
    #[wasm_bindgen(js_name = setInterval)]
    pub fn set_interval(callback: &js_sys::Function, ms: f64) -> JsValue;

    /// `clearInterval(handle)`.
    #[wasm_bindgen(js_name = clearInterval)]
    pub fn clear_interval(handle: &JsValue);
}

/// A JSON value as a JavaScript value.
pub fn json_to_js(value: &serde_json::Value) -> JsValue {
    text_to_js(&value.to_string())
}

/// JSON text (known to be valid) as a JavaScript value.
pub fn text_to_js(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
}

/// A JavaScript value as JSON text; `None` for values JSON cannot hold.
pub fn js_to_text(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The origin of the page (`https://chat.example`), when there is a page.
pub fn page_origin() -> Option<String> {
    let location = js_sys::Reflect::get(&js_sys::global(), &"location".into()).ok()?;
    js_sys::Reflect::get(&location, &"origin".into())
        .ok()?
        .as_string()
}

/// A fresh idempotency key. Uniqueness per user is all a nonce needs, not secrecy, so the
/// clock and `Math.random` suffice.
pub fn new_nonce() -> String {
    let random = (js_sys::Math::random() * 1e15) as u64;
    format!("w{:x}-{random:x}", now_ms() as u64)
}
