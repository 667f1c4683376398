//! Bulk import: reps only, at most 500 rows a request, each row checked by its kind's rules on its own, and a batch
//! sent again with its key changes nothing twice.

use super::*;
use serde_json::json;

fn account(name: &str) -> serde_json::Value {
    json!({"create": {"name": name}})
}

#[tokio::test]
async fn an_import_is_for_reps_bounded_checked_row_by_row_and_never_applied_twice() {
    let server = server().await;
    let stranger = server.caller(40);
    let rows = json!({"rows": [account("Anónima S.A.")]});
    assert_eq!(stranger.post("/api/v1/import/accounts", &rows, None).await.status, 401);

    let rep = server.rep().await;
    let too_many: Vec<serde_json::Value> =
        (0..=trato_protocol::MAX_IMPORT_ROWS).map(|n| account(&format!("Fila {n}"))).collect();
    let refused = rep.post("/api/v1/import/accounts", &json!({"rows": too_many}), None).await;
    assert_eq!((refused.status, refused.code().as_str()), (400, "bad_request"), "{}", refused.body);
    assert_eq!(rep.post("/api/v1/import/users", &rows, None).await.status, 404);

    // A refused row (no name, a name with a line break, a hostile script kept as text) stops no other.
    let mixed = json!({"rows": [
        account("Bodegas Importadas"),
        {"create": {"name": ""}},
        {"create": {"name": "dos\nlíneas"}},
        account("<script>alert(1)</script>"),
        {"update": {"id": "acc_0001", "patch": {"city": "Ronda"}}},
        {"update": {"id": "acc_nope", "patch": {"city": "Ronda"}}},
    ]});
    let key = [("idempotency-key", "sec-import-1")];
    let first =
        rep.post_bytes("/api/v1/import/accounts", "application/json", mixed.to_string().into_bytes(), &key).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let results = first.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 6);
    assert!(results[0]["id"].is_string());
    assert_eq!(results[1]["error"]["code"], "validation_failed");
    assert!(results[1]["error"]["fields"]["name"].is_string());
    assert_eq!(results[2]["error"]["code"], "validation_failed");
    assert!(results[3]["id"].is_string(), "hostile text is stored as text");
    assert_eq!(results[4]["version"], 2);
    assert_eq!(results[5]["error"]["code"], "not_found");

    // The same batch again with its key: the first answer, nothing written twice.
    let again =
        rep.post_bytes("/api/v1/import/accounts", "application/json", mixed.to_string().into_bytes(), &key).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["results"], first.json()["results"]);
    let count: i64 = server
        .sql()
        .query_row(
            "SELECT COUNT(*) FROM accounts WHERE deleted = 0 AND json_extract(data, '$.name') = 'Bodegas Importadas'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(count, 1);
    let city = rep.get("/api/v1/accounts/acc_0001").await.json();
    assert_eq!((city["city"].as_str(), city["version"].as_u64()), (Some("Ronda"), Some(2)));
}
