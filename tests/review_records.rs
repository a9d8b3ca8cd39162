//! A review is its own record per call and lead (SPEC §12): two leads on two workstations
//! review the same call offline and, whatever order they sync in (through a real hub,
//! see `pg/mod.rs`), every store keeps both reviews, shows the latest and writes the same
//! backup; the agent's acknowledgement is of the review shown, and a newer review from
//! another lead is unread again; a restore keeps every lead's review, an older backup's
//! reviews become records, and a restored store that joins the team again changes none.

mod pg;
mod team;

use fourroads::domain::call::Role;
use fourroads::domain::review::LeadReview;
use fourroads::domain::{Call, Outcome, Road};
use fourroads::store::{Actor, SledStore, Store};
use fourroads::sync;
use fourroads::transfer::backup::{backup, restore};
use jiff::Timestamp;
use pg::TestDb;
use sha2::{Digest, Sha256};
use team::{assert_same, at, customer, fixed_now, open, take_call};

fn as_lead(name: &str, at: Timestamp) -> Actor {
    Actor {
        who: name.into(),
        role: Role::Lead,
        reason: String::new(),
        at,
    }
}

async fn sync(store: &SledStore) {
    let mut hub = sync::connect(store).await.unwrap();
    sync::sync_once(store, &mut hub, &mut |_| {}).await.unwrap();
}

/// (lead, road, comment, acknowledged) of every lead's review, shown first.
fn summary(store: &SledStore, call: &Call) -> Vec<(String, Road, String, Option<Timestamp>)> {
    let call = store.call(call.id).unwrap().unwrap();
    store
        .lead_reviews(&call)
        .unwrap()
        .into_iter()
        .map(|r: LeadReview| {
            let review = r.review;
            (
                review.lead,
                review.road,
                review.comment,
                review.acknowledged_at,
            )
        })
        .collect()
}

fn review_lines(store: &SledStore, dir: &tempfile::TempDir, name: &str, call: &Call) -> usize {
    let path = dir.path().join(format!("{name}.jsonl"));
    backup(store, &path, fixed_now()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter(|l| l.starts_with("{\"type\":\"review\"") && l.contains(&call.id.to_string()))
        .count()
}

async fn two_leads_offline(test: &str, lee_syncs_first: bool) {
    let Some(db) = TestDb::create(test).await else {
        return;
    };
    // Each workstation is its own person's and syncs as their login, whose name and role
    // the hub holds (and stamps on everything the store makes from then on).
    db.init_hub().await;
    let sam_url = db.member("sam", "Sam", Role::Agent).await;
    let dana_url = db.member("dana", "Dana", Role::Lead).await;
    let lee_url = db.member("lee", "Lee", Role::Lead).await;
    let dir = tempfile::tempdir().unwrap();
    let (sam, dana, lee) = (open(&dir, "sam"), open(&dir, "dana"), open(&dir, "lee"));
    for (store, url) in [(&sam, &sam_url), (&dana, &dana_url), (&lee, &lee_url)] {
        sync::join(store, url, &mut |_| {}).await.unwrap();
    }
    let ann = customer("Ann Reviewed");
    sam.put_customer(&ann).unwrap();
    let call = take_call(&sam, ann.id, "Sam", 0, Outcome::Resolved);
    for store in [&sam, &dana, &lee] {
        sync(store).await;
    }

    // Offline, each on their own workstation; Lee's review is the later one.
    dana.review_call(call.id, Road::Teach, "showed how", &as_lead("Dana", at(30)))
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    lee.review_call(
        call.id,
        Road::Learn,
        "a lesson for all",
        &as_lead("Lee", at(31)),
    )
    .unwrap();
    let order = if lee_syncs_first {
        [&lee, &dana, &sam]
    } else {
        [&dana, &lee, &sam]
    };
    for _ in 0..2 {
        for store in order {
            sync(store).await;
        }
    }
    let both = vec![
        (
            "Lee".to_string(),
            Road::Learn,
            "a lesson for all".into(),
            None,
        ),
        ("Dana".to_string(), Road::Teach, "showed how".into(), None),
    ];
    for store in [&sam, &dana, &lee] {
        assert_eq!(summary(store, &call), both, "both kept, the latest first");
        let shown = store.call(call.id).unwrap().unwrap().review.unwrap();
        assert_eq!(shown.lead, "Lee", "the latest is shown");
    }
    assert_same(&[&sam, &dana, &lee], &dir);
    assert_eq!(review_lines(&dana, &dir, "two", &call), 2);

    // The agent acknowledges the review shown; then Dana reviews again: unread again.
    sam.acknowledge_review(call.id, &Actor::agent("Sam", at(40)))
        .unwrap();
    for _ in 0..2 {
        for store in order {
            sync(store).await;
        }
    }
    for store in [&sam, &dana, &lee] {
        let shown = store.call(call.id).unwrap().unwrap().review.unwrap();
        assert_eq!(
            (shown.lead.as_str(), shown.acknowledged_at),
            ("Lee", Some(at(40)))
        );
        assert_eq!(
            summary(store, &call)[1].3,
            None,
            "Dana's was not the one read"
        );
    }
    std::thread::sleep(std::time::Duration::from_millis(5));
    dana.review_call(call.id, Road::Care, "", &as_lead("Dana", at(50)))
        .unwrap();
    for _ in 0..2 {
        for store in order {
            sync(store).await;
        }
    }
    let after = vec![
        ("Dana".to_string(), Road::Care, String::new(), None),
        (
            "Lee".to_string(),
            Road::Learn,
            "a lesson for all".into(),
            Some(at(40)),
        ),
    ];
    for store in [&sam, &dana, &lee] {
        assert_eq!(summary(store, &call), after, "the newer review is unread");
        let shown = store.call(call.id).unwrap().unwrap().review.unwrap();
        assert_eq!((shown.lead.as_str(), shown.acknowledged_at), ("Dana", None));
    }
    assert_same(&[&sam, &dana, &lee], &dir);

    // A restore keeps both reviews, and the restored store writes the same backup.
    let file = dir.path().join("dana-backup.jsonl");
    backup(&dana, &file, fixed_now()).unwrap();
    let mut restored = open(&dir, "restored");
    restore(&mut restored, &file, false).unwrap();
    assert_eq!(summary(&restored, &call), after);
    assert_eq!(restored.check_reviews().unwrap(), Vec::<String>::new());
    assert_same(&[&dana, &restored], &dir);

    // It joins the team again as a new workstation: its records become operations of its
    // own, and every store still holds both reviews with the same one shown. It holds
    // several people's work (Sam's call and acknowledgement, both leads' reviews), which
    // through one person's login would all go as that person's (Lee's review as Dana's):
    // the hub's owner brings it in as it is and hands the workstation to Dana, whose
    // backup it was (`team::bring_in`, as `fourroads team add … --workstation` does).
    team::bring_in(&restored, &db.url, &dana_url, &mut |_| {}).await;
    for _ in 0..2 {
        for store in [&restored, &sam, &dana, &lee] {
            sync(store).await;
        }
    }
    for store in [&sam, &dana, &lee, &restored] {
        assert_eq!(summary(store, &call), after);
    }
    // A new workstation joins and makes its records in bulk: the same reviews.
    let newcomer = open(&dir, "newcomer");
    let kim_url = db.member("kim", "Kim", Role::Agent).await;
    sync::join(&newcomer, &kim_url, &mut |_| {}).await.unwrap();
    assert_eq!(summary(&newcomer, &call), after);
    assert_same(&[&sam, &dana, &lee, &restored, &newcomer], &dir);
}

#[tokio::test]
async fn two_leads_review_one_call_offline_and_the_first_to_sync_is_the_earlier() {
    two_leads_offline("reviews earlier first", false).await;
}

#[tokio::test]
async fn two_leads_review_one_call_offline_and_the_first_to_sync_is_the_later() {
    two_leads_offline("reviews later first", true).await;
}

/// On one workstation: another lead's review with the same road and reason is still a new
/// review, unread, and the earlier one keeps its acknowledgement.
#[test]
fn another_leads_review_never_inherits_the_acknowledgement() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir, "one");
    let ann = customer("Ann Local");
    store.put_customer(&ann).unwrap();
    let call = take_call(&store, ann.id, "Sam", 0, Outcome::Resolved);
    store
        .review_call(call.id, Road::Teach, "why", &as_lead("Dana", at(10)))
        .unwrap();
    store
        .acknowledge_review(call.id, &Actor::agent("Sam", at(11)))
        .unwrap();
    let shown = store
        .review_call(call.id, Road::Teach, "why", &as_lead("Lee", at(12)))
        .unwrap()
        .review
        .unwrap();
    assert_eq!((shown.lead.as_str(), shown.acknowledged_at), ("Lee", None));
    let list = summary(&store, &call);
    assert_eq!(list.len(), 2);
    assert_eq!(
        list[1],
        ("Dana".into(), Road::Teach, "why".into(), Some(at(11)))
    );
    // Acknowledging again is of Lee's review, and only of it.
    store
        .acknowledge_review(call.id, &Actor::agent("Sam", at(13)))
        .unwrap();
    let list = summary(&store, &call);
    assert_eq!((list[0].0.as_str(), list[0].3), ("Lee", Some(at(13))));
    assert_eq!(list[1].3, Some(at(11)));
    assert_eq!(store.check_reviews().unwrap(), Vec::<String>::new());
    // Only an agent's own call can be acknowledged, and only a lead reviews.
    assert!(
        store
            .acknowledge_review(call.id, &Actor::agent("Priya", at(14)))
            .is_err()
    );
    assert!(
        store
            .review_call(call.id, Road::Care, "", &Actor::agent("Priya", at(14)))
            .is_err()
    );
    assert_eq!(summary(&store, &call), list, "refusals change nothing");
    // Erasing the customer takes every lead's review with the call.
    store.erase_customer(ann.id).unwrap().unwrap();
    assert!(store.lead_reviews(&call).unwrap().is_empty());
    assert_eq!(store.check_reviews().unwrap(), Vec::<String>::new());
}

/// A backup written before schema 7 has no review lines: the review each call shows
/// becomes its lead's record, and the restored store's own backup has one review line per
/// reviewed call.
#[test]
fn an_older_backup_without_review_lines_restores_each_shown_review_as_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir, "source");
    let ann = customer("Ann Old Backup");
    store.put_customer(&ann).unwrap();
    let call = take_call(&store, ann.id, "Sam", 0, Outcome::Resolved);
    store
        .review_call(call.id, Road::Teach, "showed how", &as_lead("Dana", at(10)))
        .unwrap();
    store
        .review_call(call.id, Road::Care, "", &as_lead("Lee", at(11)))
        .unwrap();
    let file = dir.path().join("new.jsonl");
    backup(&store, &file, fixed_now()).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.matches("{\"type\":\"review\"").count(), 2);
    // Schema 6 wrote the same lines but the review ones.
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with("{\"type\":\"review\"") && !l.contains("\"checksum\""))
        .map(str::to_string)
        .collect();
    lines[0] = lines[0].replace("\"schema\":7", "\"schema\":6");
    assert!(lines[0].contains("\"schema\":6"), "{}", lines[0]);
    let mut body = String::new();
    for line in &lines {
        body.push_str(line);
        body.push('\n');
    }
    let sha = format!("{:x}", Sha256::digest(body.as_bytes()));
    body.push_str(&format!(
        "{{\"type\":\"checksum\",\"sha256\":\"{sha}\",\"lines\":{}}}\n",
        lines.len()
    ));
    let old = dir.path().join("old.jsonl");
    std::fs::write(&old, body).unwrap();
    let mut restored = open(&dir, "restored");
    let tally = restore(&mut restored, &old, false).unwrap();
    assert_eq!(tally.reviews, 0);
    let list = summary(&restored, &call);
    assert_eq!(list, vec![("Lee".into(), Road::Care, String::new(), None)]);
    assert_eq!(restored.check_reviews().unwrap(), Vec::<String>::new());
    assert_eq!(review_lines(&restored, &dir, "again", &call), 1);
}
