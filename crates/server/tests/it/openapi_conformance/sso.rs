//! Sign-in links (both endpoints) and the app's exchange.

use reqwest::Method;
use serde_json::{json, Value};

use super::{form_part, mirrored_classroom};
use crate::{
    both_databases,
    conformance::{check_answer, document},
    harness::{Backend, TestApp},
};

both_databases!(sign_in_links_answer_as_documented);

async fn sign_in_links_answer_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let alpha = app.tenant("alpha").await;
    let expect = |answer: (u16, Value), status: u16| {
        assert_eq!(answer.0, status, "{}", answer.1);
        answer.1
    };
    mirrored_classroom(&alpha).await;
    let (_, user) = crate::harness::send(alpha.post_json(
        "/users",
        &json!({"name": "Huda", "username": "huda", "email": "huda@example.org"}),
    ))
    .await;
    let link = "/api/v2/mirror-data/sso-token";
    let legacy = "/sso-token";

    expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha.post_json(link, &json!({"uuid": "s1"})),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha.request(Method::POST, link).form(&[
                ("uuid", "s1"),
                ("type", "website"),
                ("lang", "AR"),
            ]),
        )
        .await,
        200,
    );
    let mobile = expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha
                .request(Method::POST, link)
                .multipart(form_part(&[("uuid", "t1"), ("type", "mobile")])),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha.post_json(legacy, &json!({"user_id": "s2", "lang": "en"})),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha.post_json(legacy, &json!({"jusoor_id": user["id"], "type": "mobile"})),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha
                .request(Method::POST, legacy)
                .form(&[("jusoor_id", user["id"].to_string())]),
        )
        .await,
        200,
    );

    // Ways a link request goes wrong.
    expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha.post_json(link, &json!({"uuid": "nobody"})),
        )
        .await,
        404,
    );
    expect(
        check_answer(&doc, "POST", link, alpha.post_json(link, &json!({}))).await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha.post_json(link, &json!({"uuid": ["s1"], "type": "fax", "lang": "fr"})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha
                .request(Method::POST, link)
                .header("content-type", "application/json")
                .body("{"),
        )
        .await,
        400,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha
                .request(Method::POST, link)
                .header("content-type", "text/plain")
                .body("s1"),
        )
        .await,
        415,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha.post_json(legacy, &json!({"user_id": "s1", "jusoor_id": 1})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha.post_json(legacy, &json!({"type": "mobile"})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha.post_json(legacy, &json!({"jusoor_id": 999999})),
        )
        .await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha.post_json(legacy, &json!({"jusoor_id": "abc"})),
        )
        .await,
        422,
    );

    // The app's exchange: once, then gone; unknown tokens and bad bodies.
    let exchange = "/api/v2/sso/exchange";
    let token = mobile["url"]
        .as_str()
        .unwrap()
        .split("token=")
        .nth(1)
        .unwrap()
        .to_owned();
    let session = expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange)
                .json(&json!({"token": token})),
        )
        .await,
        200,
    );
    assert_eq!(session["token_type"], "Bearer");
    expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange)
                .form(&[("token", token.as_str())]),
        )
        .await,
        410,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange)
                .json(&json!({"token": "unknown"})),
        )
        .await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange)
                .json(&json!({"token": 12.5e300})),
        )
        .await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange).json(&json!({})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange)
                .json(&json!({"token": true})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange)
                .header("content-type", "application/json")
                .body("nope"),
        )
        .await,
        400,
    );
}
