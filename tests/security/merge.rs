//! Merging duplicates: reps only, both versions checked, nothing moves when a version is stale, and after a merge
//! every record of the duplicate belongs to the survivor, the duplicate is gone and the survivor's timeline says so.

use super::*;
use serde_json::json;

#[tokio::test]
async fn a_merge_moves_everything_once_guarded_by_both_versions() {
    let server = server().await;
    let rep = server.rep().await;
    let created = |body: serde_json::Value, path: &'static str| {
        let rep = &rep;
        async move {
            let answer = rep.post(path, &body, None).await;
            assert_eq!(answer.status, 201, "{}", answer.body);
            answer.json()
        }
    };
    let keep = created(json!({"name": "Bodegas Sol S.L."}), "/api/v1/accounts").await;
    let dup = created(json!({"name": "BODEGAS SOL"}), "/api/v1/accounts").await;
    let (keep_id, dup_id) = (keep["id"].as_str().unwrap(), dup["id"].as_str().unwrap());
    let person = created(json!({"first_name": "Ana", "account_id": dup_id}), "/api/v1/contacts").await;
    let deal = created(
        json!({"name": "Aceite", "pipeline_id": "pip_nuevo", "account_id": dup_id, "amount": {"minor": 100, "currency": "EUR"}}),
        "/api/v1/deals",
    )
    .await;
    created(json!({"kind": "call", "subject": "Llamada", "account_id": dup_id, "done": true}), "/api/v1/activities")
        .await;
    let path = format!("/api/v1/accounts/{keep_id}/merge");
    let body = |version: u64| json!({"from": dup_id, "from_version": version, "note": "Fusionado con «BODEGAS SOL»"});

    assert_eq!(server.caller(41).post(&path, &body(1), None).await.status, 401, "strangers cannot merge");
    let stale = rep.post(&path, &body(7), None).await;
    assert_eq!((stale.status, stale.code().as_str()), (412, "precondition_failed"));
    assert_eq!(
        rep.get(&format!("/api/v1/deals/{}", deal["id"].as_str().unwrap())).await.json()["account_id"],
        dup_id,
        "nothing moved"
    );
    let itself = rep.post(&path, &json!({"from": keep_id, "from_version": 1, "note": "x"}), None).await;
    assert_eq!(itself.status, 422);

    let merged = rep.post(&path, &body(1), None).await;
    assert_eq!(merged.status, 200, "{}", merged.body);
    assert_eq!(merged.json()["id"], keep_id);
    assert_eq!(rep.get(&format!("/api/v1/accounts/{dup_id}")).await.status, 404, "the duplicate is gone");
    assert_eq!(rep.get(&format!("/api/v1/deals/{}", deal["id"].as_str().unwrap())).await.json()["account_id"], keep_id);
    assert_eq!(
        rep.get(&format!("/api/v1/contacts/{}", person["id"].as_str().unwrap())).await.json()["account_id"],
        keep_id
    );
    let timeline = rep.get(&format!("/api/v1/activities?account_id={keep_id}")).await.json();
    let subjects: Vec<&str> =
        timeline["items"].as_array().unwrap().iter().filter_map(|a| a["subject"].as_str()).collect();
    assert!(subjects.contains(&"Llamada"), "the duplicate's activities moved: {subjects:?}");
    assert!(subjects.contains(&"Fusionado con «BODEGAS SOL»"), "the merge is in the timeline: {subjects:?}");
    // Merging again (a retry after a lost answer) changes nothing more.
    assert_eq!(rep.post(&path, &body(1), None).await.status, 404);
}
