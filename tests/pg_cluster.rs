//! The throwaway password-checking cluster of `pg/cluster.rs` works: the superuser's
//! password lets it in, a wrong one is refused as a wrong password, and TLS is on when
//! there is a CA to check it with.

mod pg;

use std::time::Instant;

use pg::cluster::{Cluster, connect};

#[tokio::test]
async fn a_throwaway_cluster_checks_passwords() {
    let started = Instant::now();
    let Some(cluster) = Cluster::start("a_throwaway_cluster_checks_passwords") else {
        return;
    };
    eprintln!(
        "test cluster on port {} started in {:?}",
        cluster.port(),
        started.elapsed()
    );

    let admin = connect(&cluster.admin_url())
        .await
        .expect("the superuser's password lets it in");
    let one: i32 = admin.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1);

    let wrong = cluster.url_for("postgres", Some("not the password"), "postgres");
    let error = connect(&wrong)
        .await
        .expect_err("a wrong password is refused");
    assert_eq!(
        error.code(),
        Some(&tokio_postgres::error::SqlState::INVALID_PASSWORD),
        "refused as a wrong password: {error}"
    );

    let none = cluster.url_for("postgres", None, "postgres");
    assert!(
        connect(&none).await.is_err(),
        "no password is no way in either"
    );

    if cluster.ca_file().exists() {
        let ssl: String = admin.query_one("SHOW ssl", &[]).await.unwrap().get(0);
        assert_eq!(ssl, "on");
    } else {
        eprintln!("test cluster runs without TLS (no openssl)");
    }

    let stopping = Instant::now();
    drop(admin);
    drop(cluster);
    eprintln!("test cluster stopped in {:?}", stopping.elapsed());
}
