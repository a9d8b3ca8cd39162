//! Encryption to the hub, the way libpq does it, so a URL that works with `psql` works
//! here: `sslmode` disable / allow / prefer (the default) / require encrypt without
//! checking who answers (unless a root certificate is given, as libpq does), verify-ca
//! checks the certificate chain, verify-full the chain and the host name. Roots come from
//! `sslrootcert=FILE`, `sslrootcert=system` (the machine's trusted roots) or
//! `~/.postgresql/root.crt`. tokio-postgres itself knows only disable/prefer/require, so
//! the TLS options are taken out of the URL here and the rest is parsed by it.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::HubError;

/// How much of the server's identity is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verify {
    /// Encrypted, but anyone holding a certificate may answer (libpq's `require`).
    Nothing,
    /// The certificate must chain to a trusted root (`verify-ca`).
    Chain,
    /// The chain, and the certificate must name the host (`verify-full`).
    ChainAndName,
}

/// Where trusted roots come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Roots {
    File(PathBuf),
    System,
}

/// The TLS part of a hub address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsSettings {
    pub verify: Verify,
    pub roots: Option<Roots>,
}

const MODES: &str = "disable, allow, prefer, require, verify-ca or verify-full";

/// Splits the TLS options off `url`: the address tokio-postgres can parse (its `sslmode`
/// one of its own three) and what this module must do.
pub fn take_tls_options(url: &str) -> Result<(String, TlsSettings), HubError> {
    let mut mode = None;
    let mut root_file = None;
    let mut kept = Vec::new();
    let url = url.trim();
    let (head, pairs, joiner): (&str, Vec<&str>, &str) = if url.contains("://") {
        match url.split_once('?') {
            Some((head, query)) => (head, query.split('&').collect(), "&"),
            None => (url, Vec::new(), "&"),
        }
    } else {
        ("", url.split_whitespace().collect(), " ")
    };
    for pair in pairs {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslmode" => mode = Some(percent_decode(value)),
            "sslrootcert" => root_file = Some(percent_decode(value)),
            "sslcert" | "sslkey" | "sslpassword" => {
                return Err(HubError::Tls(
                    "client certificates (sslcert, sslkey) are not supported; sign in with a password from PGPASSWORD or ~/.pgpass".into(),
                ));
            }
            _ => kept.push(pair),
        }
    }
    let roots = match root_file.as_deref() {
        Some("system") => Some(Roots::System),
        Some(file) => Some(Roots::File(PathBuf::from(file))),
        None => default_root_file().map(Roots::File),
    };
    let (theirs, verify) = match mode.as_deref().unwrap_or("prefer") {
        "disable" => ("disable", Verify::Nothing),
        // libpq checks the chain for prefer/require when a root certificate is there.
        "allow" | "prefer" => ("prefer", chain_if(&roots)),
        "require" => ("require", chain_if(&roots)),
        "verify-ca" => ("require", Verify::Chain),
        "verify-full" => ("require", Verify::ChainAndName),
        other => {
            return Err(HubError::Tls(format!(
                "sslmode={other} is not one of {MODES}"
            )));
        }
    };
    kept.push(match theirs {
        "disable" => "sslmode=disable",
        "prefer" => "sslmode=prefer",
        _ => "sslmode=require",
    });
    let rest = kept.join(joiner);
    let cleaned = if head.is_empty() {
        rest
    } else {
        format!("{head}?{rest}")
    };
    Ok((cleaned, TlsSettings { verify, roots }))
}

fn chain_if(roots: &Option<Roots>) -> Verify {
    if roots.is_some() {
        Verify::Chain
    } else {
        Verify::Nothing
    }
}

/// libpq's default root certificate, when it exists.
fn default_root_file() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let file = PathBuf::from(home).join(".postgresql").join("root.crt");
    file.is_file().then_some(file)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The connector for these settings.
pub fn connector(settings: &TlsSettings) -> Result<MakeRustlsConnect, HubError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| HubError::Tls(e.to_string()))?;
    let verifier: Arc<dyn ServerCertVerifier> = match settings.verify {
        Verify::Nothing => Arc::new(NoIdentityCheck { provider }),
        Verify::Chain | Verify::ChainAndName => {
            let roots = load_roots(settings.roots.as_ref())?;
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| HubError::Tls(e.to_string()))?;
            if settings.verify == Verify::Chain {
                Arc::new(ChainOnly { inner: webpki })
            } else {
                webpki
            }
        }
    };
    let config = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

fn load_roots(roots: Option<&Roots>) -> Result<RootCertStore, HubError> {
    let mut store = RootCertStore::empty();
    match roots {
        None => {
            return Err(HubError::Tls(
                "checking the hub's certificate needs a root certificate: give sslrootcert=FILE, or sslrootcert=system for this machine's trusted roots, or put it in ~/.postgresql/root.crt".into(),
            ));
        }
        Some(Roots::System) => {
            let found = rustls_native_certs::load_native_certs();
            for cert in found.certs {
                // A root this TLS library cannot use is skipped, as other clients do.
                let _ = store.add(cert);
            }
        }
        Some(Roots::File(file)) => {
            let shown = file.display();
            let certs = CertificateDer::pem_file_iter(file).map_err(|e| {
                HubError::Tls(format!("cannot read the root certificate {shown}: {e}"))
            })?;
            for cert in certs {
                let cert = cert.map_err(|e| {
                    HubError::Tls(format!("the root certificate {shown} is not PEM: {e}"))
                })?;
                store
                    .add(cert)
                    .map_err(|e| HubError::Tls(format!("the root certificate {shown}: {e}")))?;
            }
        }
    }
    if store.is_empty() {
        return Err(HubError::Tls(
            "no trusted root certificate was found".into(),
        ));
    }
    Ok(store)
}

/// `require` without roots: the handshake's signatures are checked (so the session is
/// really encrypted with the key of the certificate shown), the certificate's issuer and
/// name are not.
#[derive(Debug)]
struct NoIdentityCheck {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for NoIdentityCheck {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// `verify-ca`: the full check, except that the certificate need not name the host.
#[derive(Debug)]
struct ChainOnly {
    inner: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_modes_map_to_what_tokio_postgres_knows() {
        let cases = [
            (
                "postgres://ann@db/team",
                "postgres://ann@db/team?sslmode=prefer",
            ),
            (
                "postgres://ann@db/team?sslmode=verify-full&connect_timeout=5",
                "postgres://ann@db/team?connect_timeout=5&sslmode=require",
            ),
            (
                "host=db user=ann sslmode=verify-ca sslrootcert=/tmp/ca.pem",
                "host=db user=ann sslmode=require",
            ),
            (
                "postgres://ann@db/team?sslmode=disable",
                "postgres://ann@db/team?sslmode=disable",
            ),
        ];
        for (given, wanted) in cases {
            let (cleaned, _) = take_tls_options(given).unwrap();
            assert_eq!(cleaned, wanted, "{given}");
        }
        let (_, full) =
            take_tls_options("postgres://db/t?sslmode=verify-full&sslrootcert=system").unwrap();
        assert_eq!(full.verify, Verify::ChainAndName);
        assert_eq!(full.roots, Some(Roots::System));
        let (_, ca) =
            take_tls_options("postgres://db/t?sslmode=verify-ca&sslrootcert=%2Ftmp%2Fca.pem")
                .unwrap();
        assert_eq!(ca.verify, Verify::Chain);
        assert_eq!(ca.roots, Some(Roots::File(PathBuf::from("/tmp/ca.pem"))));
    }

    #[test]
    fn a_root_certificate_turns_require_into_a_chain_check_as_in_libpq() {
        let (_, settings) =
            take_tls_options("postgres://db/t?sslmode=require&sslrootcert=/tmp/ca.pem").unwrap();
        assert_eq!(settings.verify, Verify::Chain);
    }

    #[test]
    fn unknown_modes_and_client_certificates_are_refused_in_one_line() {
        let error = take_tls_options("postgres://db/t?sslmode=always").unwrap_err();
        assert!(
            error.to_string().contains("sslmode=always is not one of"),
            "{error}"
        );
        let error = take_tls_options("postgres://db/t?sslcert=a.crt&sslkey=a.key").unwrap_err();
        assert!(error.to_string().contains("not supported"), "{error}");
    }

    #[test]
    fn verifying_without_any_root_says_how_to_give_one() {
        let settings = TlsSettings {
            verify: Verify::ChainAndName,
            roots: None,
        };
        let error = connector(&settings)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("sslrootcert=FILE"), "{error}");
        let missing = TlsSettings {
            verify: Verify::Chain,
            roots: Some(Roots::File(PathBuf::from("/nonexistent/root.crt"))),
        };
        let error = connector(&missing)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("/nonexistent/root.crt"), "{error}");
    }
}
