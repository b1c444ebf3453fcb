//! REST over `fetch`: one request, the protocol's error body on failure, the answer checked
//! against its `chat-core` type before JavaScript sees it.

use chat_core::v1::endpoints::Method;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use crate::error::ClientError;

/// Where and as whom to send requests.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// `https://chat.example` (no trailing slash), or empty for the page's own origin.
    pub base_url: String,
    /// The bearer token, once logged in.
    pub token: Option<String>,
}

fn js_error(context: &str, value: &JsValue) -> String {
    let detail = value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_default();
    format!("{context}: {detail}")
}

/// Sends one request to `path` (as [`chat_core::v1::endpoints::Endpoint::path`] fills it, with
/// any query string); `Ok` holds the body of a 2xx answer.
pub async fn send(
    endpoint: &Endpoint,
    method: Method,
    path: &str,
    body: Option<String>,
) -> Result<String, ClientError> {
    let init = RequestInit::new();
    init.set_method(method.as_str());
    let headers =
        web_sys::Headers::new().map_err(|e| ClientError::Network(js_error("headers", &e)))?;
    if let Some(token) = &endpoint.token {
        headers
            .set("authorization", &format!("Bearer {token}"))
            .map_err(|e| ClientError::Network(js_error("headers", &e)))?;
    }
    if let Some(body) = &body {
        headers
            .set("content-type", "application/json")
            .map_err(|e| ClientError::Network(js_error("headers", &e)))?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let url = format!("{}{path}", endpoint.base_url);
    let request = Request::new_with_str_and_init(&url, &init)
        .map_err(|e| ClientError::BadRequest(js_error("bad request", &e)))?;
    let response = JsFuture::from(crate::js::fetch_with_request(&request))
        .await
        .map_err(|e| ClientError::Network(js_error("fetch failed", &e)))?;
    let response: Response = response
        .dyn_into()
        .map_err(|_| ClientError::Decode("fetch did not answer a Response".into()))?;
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|e| ClientError::Network(js_error("reading the answer failed", &e)))?
            .as_string()
            .unwrap_or_default(),
        Err(e) => {
            return Err(ClientError::Network(js_error(
                "reading the answer failed",
                &e,
            )));
        }
    };
    if response.ok() {
        Ok(text)
    } else {
        Err(ClientError::from_response(response.status(), &text))
    }
}

/// Sends one request and checks the answer is a `T`; JavaScript gets the answer as an object.
pub async fn call<T: DeserializeOwned>(
    endpoint: &Endpoint,
    method: Method,
    path: &str,
    body: Option<String>,
) -> Result<JsValue, ClientError> {
    let text = send(endpoint, method, path, body).await?;
    check::<T>(&text)?;
    Ok(crate::js::text_to_js(&text))
}

/// Sends one request whose answer has no body (`204`).
pub async fn call_empty(
    endpoint: &Endpoint,
    method: Method,
    path: &str,
    body: Option<String>,
) -> Result<JsValue, ClientError> {
    send(endpoint, method, path, body).await?;
    Ok(JsValue::UNDEFINED)
}

/// Checks an answer decodes as `T`.
pub fn check<T: DeserializeOwned>(text: &str) -> Result<T, ClientError> {
    serde_json::from_str(text).map_err(|e| ClientError::Decode(e.to_string()))
}

/// Percent-encodes a query value.
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(encode_query("plain-1.2_~"), "plain-1.2_~");
    }
}
