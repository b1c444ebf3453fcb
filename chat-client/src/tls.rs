//! One rustls configuration (aws-lc-rs, Mozilla's roots) for both HTTPS and WSS, built
//! explicitly instead of relying on a process-wide crypto provider.

use std::sync::Arc;

use crate::Error;

/// The TLS client configuration shared by REST and the gateway.
pub(crate) fn client_config() -> Result<Arc<rustls::ClientConfig>, Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::InvalidUrl(format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
