//! An erasure that reaches a workstation through the team hub leaves nothing readable of
//! the customer in that workstation's files either (SPEC §12: "afterwards no workstation
//! … holds anything about them but the erased id"). sled keeps old versions of values in
//! its files, so the store is rewritten: by `fourroads sync` right after the sync, and,
//! when the sync ran inside the app (which holds the store), by the next command or app
//! start that opens the store.

mod pg;
mod support;
mod team;

use std::process::Command;

use fourroads::domain::Outcome;
use fourroads::domain::call::Role;
use fourroads::store::{SledStore, Store};
use fourroads::sync;
use pg::TestDb;
use support::files_holding;
use team::{customer, open, take_call};

const BIN: &str = env!("CARGO_BIN_EXE_fourroads");
const NAME: &[u8] = b"Quixotewright";

fn fourroads(args: &[&str], home: &std::path::Path) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap()
}

async fn sync_now(store: &SledStore) {
    let mut hub = sync::connect(store).await.unwrap();
    sync::sync_once(store, &mut hub, &mut |_| {}).await.unwrap();
}

#[tokio::test]
async fn an_erasure_from_the_team_is_rewritten_out_of_every_workstations_files() {
    let Some(db) = TestDb::create("team erase files").await else {
        return;
    };
    db.init_hub().await;
    // Each workstation syncs as its own person's login.
    let urls = [
        db.member("priya", "Priya", Role::Agent).await,
        db.member("sam", "Sam", Role::Agent).await,
        db.member("dana", "Dana", Role::Lead).await,
    ];
    let dir = tempfile::tempdir().unwrap();
    let (priya, sam, dana) = (open(&dir, "priya"), open(&dir, "sam"), open(&dir, "dana"));
    let zeb = customer("Zebulon Quixotewright");
    priya.put_customer(&zeb).unwrap();
    take_call(&priya, zeb.id, "Priya", 0, Outcome::Resolved);
    take_call(
        &priya,
        customer_kept(&priya),
        "Priya",
        10,
        Outcome::Resolved,
    );
    for (store, url) in [&priya, &sam, &dana].into_iter().zip(&urls) {
        sync::join(store, url, &mut |_| {}).await.unwrap();
        store.flush().unwrap();
    }
    for name in ["priya", "sam", "dana"] {
        assert!(
            !files_holding(&dir.path().join(name), NAME).is_empty(),
            "{name} holds the customer before the erase"
        );
    }

    // The lead erases; the erasure reaches Sam's store as it would inside the app.
    dana.erase_customer(zeb.id).unwrap().unwrap();
    sync_now(&dana).await;
    sync_now(&sam).await;
    assert_eq!(sam.customer(zeb.id).unwrap(), None);
    assert!(
        sam.rewrite_owed().unwrap(),
        "the sync notes the files owe a rewrite"
    );
    drop(sam);
    drop(priya);
    drop(dana);

    // The next command that opens Sam's store rewrites it first, and says so.
    let home = tempfile::tempdir().unwrap();
    let sam_path = dir.path().join("sam").display().to_string();
    let out = fourroads(&["team", "status", "--store", &sam_path], home.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("rewriting the store's files"));
    let found = files_holding(&dir.path().join("sam"), NAME);
    assert!(found.is_empty(), "still in {found:?}");

    // `fourroads sync` rewrites right after the sync that brought the erasure.
    let priya_path = dir.path().join("priya").display().to_string();
    let out = fourroads(&["sync", "--store", &priya_path], home.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = files_holding(&dir.path().join("priya"), NAME);
    assert!(found.is_empty(), "still in {found:?}");

    // Nothing is owed any more, and what was not erased is all there.
    for name in ["priya", "sam"] {
        let store = open(&dir, name);
        assert!(!store.rewrite_owed().unwrap(), "{name}");
        assert_eq!(store.counters().unwrap().customers, 1, "{name}");
        assert_eq!(store.counters().unwrap().calls, 1, "{name}");
        assert!(
            store.hub_url().unwrap().is_some(),
            "{name} is still in the team"
        );
    }
}

fn customer_kept(store: &SledStore) -> fourroads::domain::Id {
    let kept = customer("Kept Customer");
    store.put_customer(&kept).unwrap();
    kept.id
}
