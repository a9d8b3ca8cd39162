//! Encryption to the hub against the real PostgreSQL of `pg/mod.rs`: a libpq URL's
//! `sslmode` means here what it means to `psql`. The checks that need the server's
//! certificate read it from the server's own settings and say so when they cannot.

mod pg;

use std::io::Write;

use fourroads::hub::Hub;
use pg::TestDb;

fn with_param(url: &str, param: &str) -> String {
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}{param}")
}

fn skipped(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "{test}: skipped: {why}");
}

/// The server's certificate file, when the server has TLS on and the file is readable.
async fn server_certificate(db: &TestDb) -> Option<String> {
    let raw = db.raw().await;
    let on: String = raw.query_one("SHOW ssl", &[]).await.ok()?.get(0);
    if on != "on" {
        return None;
    }
    let file: String = raw.query_one("SHOW ssl_cert_file", &[]).await.ok()?.get(0);
    std::fs::metadata(&file).ok().map(|_| file)
}

#[tokio::test]
async fn sslmode_require_encrypts_and_disable_does_not() {
    let Some(db) = TestDb::create("tls_require").await else {
        return;
    };
    if server_certificate(&db).await.is_none() {
        return skipped("tls_require", "the test server has no TLS certificate");
    }
    let hub = Hub::connect(&with_param(&db.url, "sslmode=require"))
        .await
        .expect("sslmode=require connects");
    assert!(hub.encrypted().await.unwrap(), "require must encrypt");
    let plain = Hub::connect(&with_param(&db.url, "sslmode=disable"))
        .await
        .expect("sslmode=disable connects");
    assert!(
        !plain.encrypted().await.unwrap(),
        "disable must not encrypt"
    );
    // The default (prefer) encrypts when the server can.
    let default = Hub::connect(&db.url).await.expect("default connects");
    assert!(default.encrypted().await.unwrap());
}

#[tokio::test]
async fn verify_modes_check_the_chain_and_the_name() {
    let Some(db) = TestDb::create("tls_verify").await else {
        return;
    };
    let Some(cert) = server_certificate(&db).await else {
        return skipped(
            "tls_verify",
            "the test server has no readable TLS certificate",
        );
    };
    let root = format!("sslrootcert={cert}");
    // The chain holds: the server's own certificate is the root we trust.
    let ca = with_param(&with_param(&db.url, "sslmode=verify-ca"), &root);
    let hub = Hub::connect(&ca)
        .await
        .expect("verify-ca with the server's root");
    assert!(hub.encrypted().await.unwrap());

    // A root that did not sign the server's certificate is refused, in one line.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.pem");
    std::fs::write(&other, OTHER_ROOT).unwrap();
    let wrong = with_param(
        &with_param(&db.url, "sslmode=verify-ca"),
        &format!("sslrootcert={}", other.display()),
    );
    let error = Hub::connect(&wrong)
        .await
        .err()
        .expect("a wrong root is refused");
    let message = error.to_string();
    assert!(message.starts_with("cannot reach the hub at"), "{message}");
    assert!(!message.contains('\n'), "{message}");

    // verify-full also wants the certificate to name the host: an address by number that
    // the certificate does not name is refused; by a name it holds it connects.
    if !db.url.contains("@127.0.0.1") {
        return skipped("tls_verify (names)", "the test server is not on 127.0.0.1");
    }
    let full_by_number = with_param(&with_param(&db.url, "sslmode=verify-full"), &root);
    let refused = Hub::connect(&full_by_number).await;
    let by_name = full_by_number.replace("@127.0.0.1", "@localhost");
    match Hub::connect(&by_name).await {
        Ok(hub) => {
            assert!(
                refused.is_err(),
                "verify-full accepted a certificate for another name"
            );
            assert!(hub.encrypted().await.unwrap());
        }
        // A server certificate that does not name localhost: only the refusal is checked.
        Err(error) => {
            assert!(refused.is_err());
            skipped(
                "tls_verify (by name)",
                &format!("the certificate does not name localhost: {error}"),
            );
        }
    }
}

/// A self-signed certificate made for this test, unrelated to any server.
const OTHER_ROOT: &str = "-----BEGIN CERTIFICATE-----
MIIBgjCCASegAwIBAgIUUOFnIOUa/i0jMghzcx3/rDNM92EwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLbm90LXRoZS1odWIwHhcNMjYxMTIzMDUzMzU1WhcNMzYxMTIw
MDUzMzU1WjAWMRQwEgYDVQQDDAtub3QtdGhlLWh1YjBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABATJIig5VxDw8Qqr+/2e/rJk6/tgMl/VHt4TvAF1LATjPgFgEovq
YtYmVMWKA/PU30qdZcXjKTNuA3+TJzhZDnWjUzBRMB0GA1UdDgQWBBSfEH3lKpC0
WgK3+cUu2OWX1b9QKDAfBgNVHSMEGDAWgBSfEH3lKpC0WgK3+cUu2OWX1b9QKDAP
BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDjmZCo8ttrP9cQw9FD
ULRisF1Gclyy0EDWVYSa3PWjCQIhAPAkN5iUEeKpIhD0opgW5Thj1K98O43taAhR
QpIJIjwb
-----END CERTIFICATE-----
";
