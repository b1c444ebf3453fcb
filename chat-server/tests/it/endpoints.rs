//! The endpoint descriptors of `chat_core::v1::endpoints` against the OpenAPI document: every
//! descriptor is a documented route, and every documented route under `/api/v1` has one.

use std::collections::BTreeSet;

use chat_core::v1::endpoints::{ALL, API_PREFIX};
use reqwest::Method;

use crate::helpers::spawn_app;

/// The (method, path) pairs the OpenAPI document lists under `/api/v1`, methods in lower case.
fn documented_routes(doc: &serde_json::Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("the document has paths");
    let mut routes = BTreeSet::new();
    for (path, item) in paths {
        if !path.starts_with(&format!("{API_PREFIX}/")) {
            continue;
        }
        let item = item.as_object().expect("a path item is an object");
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if item.contains_key(method) {
                routes.insert((method.to_owned(), path.clone()));
            }
        }
    }
    routes
}

#[tokio::test]
async fn the_endpoint_descriptors_are_exactly_the_documented_routes() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app
        .request(Method::GET, "/api/openapi.json", None, None)
        .await
        .expect(200);
    let documented = documented_routes(&doc);
    let described: BTreeSet<(String, String)> = ALL
        .iter()
        .map(|(method, path)| (method.as_str().to_ascii_lowercase(), (*path).to_owned()))
        .collect();
    assert_eq!(described.len(), ALL.len(), "a descriptor is listed twice");

    let undocumented: Vec<_> = described.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "descriptors with no route in the OpenAPI document: {undocumented:?}"
    );
    let undescribed: Vec<_> = documented.difference(&described).collect();
    assert!(
        undescribed.is_empty(),
        "routes of the OpenAPI document with no descriptor in chat_core::v1::endpoints: \
         {undescribed:?}"
    );
}
