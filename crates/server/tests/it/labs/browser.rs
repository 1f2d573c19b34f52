//! The labs in a real browser (headless Chromium through chromedriver): a student signs in, opens Ohm's law, sets
//! the supply voltage, takes readings, types the result, submits and sees the score and the rubric. Every lab is
//! opened once and photographed in English, one in Arabic, into `target/test-output/`.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use super::{create_path, setup_school};
use crate::{
    both_databases,
    browser::{browser, link, output_dir, text_of, text_showing},
    harness::{Backend, TestApp},
};

both_databases!(a_student_does_a_lab_in_a_real_browser);

/// Waits (up to 10 s) until `css` matches `count` elements.
async fn wait_for_count(client: &Client, css: &str, count: usize) {
    for _ in 0..100 {
        if client
            .find_all(Locator::Css(css))
            .await
            .map(|e| e.len())
            .unwrap_or(0)
            == count
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let found = client
        .find_all(Locator::Css(css))
        .await
        .map(|e| e.len())
        .unwrap_or(0);
    panic!("{css}: {found} elements, not {count}");
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Clears a text or number input and types `text`.
async fn type_into(client: &Client, css: &str, text: &str) {
    let element = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    element.clear().await.unwrap();
    element.send_keys(text).await.unwrap();
}

/// Opens the home page and starts (or goes on with) the attempt at the path of experiment `id`; waits for the lab.
async fn open_lab(client: &Client, app: &TestApp, path_id: i64) {
    client.goto(&app.url("/home")).await.unwrap();
    let start = format!("article[data-path='{path_id}'] .start-attempt");
    let go_on = format!("article[data-path='{path_id}'] .continue-attempt");
    if client.find(Locator::Css(&start)).await.is_ok() {
        click(client, &start).await;
    } else {
        click(client, &go_on).await;
    }
    text_of(client, "#lab-root").await;
    wait_for_count(client, "#take-reading", 1).await;
}

fn shot(name: &str, png: Vec<u8>) {
    std::fs::write(output_dir().join(name), png).unwrap();
}

async fn a_student_does_a_lab_in_a_real_browser(backend: Backend) {
    let Some((client, _driver, _profile)) = browser().await else {
        return;
    };
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;
    let labs: Vec<&str> = classbridge_labs::catalogue()
        .iter()
        .filter(|e| e.runs_in_browser)
        .map(|e| e.id)
        .collect();
    assert!(labs.len() >= 6);
    for id in &labs {
        create_path(
            &alpha,
            &format!("lp-{id}"),
            json!({"experiment_id": id, "experiment_name": id}),
        )
        .await;
    }
    let suffix = if app.database_url.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    client.goto(&link(&app, &alpha, "s1").await).await.unwrap();
    text_showing(&client, "#my-experiments", "Ohm").await;
    let home = client.source().await.unwrap();
    let path_ids: Vec<i64> = home
        .match_indices("data-path=\"")
        .map(|(i, _)| home[i + 11..].split('"').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(path_ids.len(), labs.len());

    // Ohm's law, as a careful student: eight readings, the resistance from their slope, submit.
    let ohm_path = path_ids[labs.iter().position(|id| *id == "ohms-law").unwrap()];
    open_lab(&client, &app, ohm_path).await;
    let attempt: i64 = client
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    for (index, volts) in ["1.5", "3", "4.5", "6", "7.5", "9", "10.5", "12"]
        .iter()
        .enumerate()
    {
        type_into(&client, "#setup-supply_voltage", volts).await;
        click(&client, "#take-reading").await;
        wait_for_count(&client, "#readings tbody tr", index + 1).await;
    }
    let seed = app
        .count_in_database(&format!(
            "SELECT seed FROM lab_attempts WHERE id = {attempt}"
        ))
        .await;
    let (_, careful) = classbridge_labs::careful_submission("ohms-law", seed as u64).unwrap();
    for (key, value) in careful["result"].as_object().unwrap() {
        if key.ends_with("_unit") {
            let option = format!("#result-{key} option[value='{}']", value.as_str().unwrap());
            click(&client, &option).await;
        } else {
            type_into(&client, &format!("#result-{key}"), &value_text(value)).await;
        }
    }
    shot(
        &format!("lab-ohms-law-readings-{suffix}.png"),
        client.screenshot().await.unwrap(),
    );
    click(&client, "#submit").await;
    let score = text_showing(&client, "#score", "/ 100").await;
    assert!(
        score.contains("100"),
        "a careful student scores 100: {score}"
    );
    let rubric = client.find_all(Locator::Css("#rubric li")).await.unwrap();
    assert!(rubric.len() >= 3, "the rubric's lines are shown");
    shot(
        &format!("lab-ohms-law-graded-{suffix}.png"),
        client.screenshot().await.unwrap(),
    );
    // The server kept what the page showed.
    let stored = app
        .count_in_database(&format!(
            "SELECT score FROM lab_attempts WHERE id = {attempt}"
        ))
        .await;
    assert_eq!(stored, 100);

    // Every lab once, in English.
    for (id, path_id) in labs.iter().zip(&path_ids) {
        if *id == "ohms-law" {
            continue;
        }
        open_lab(&client, &app, *path_id).await;
        let lab = client
            .execute(
                "return document.getElementById('lab-root').dataset.lab",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(lab, json!(id));
        shot(
            &format!("lab-{id}-{suffix}.png"),
            client.screenshot().await.unwrap(),
        );
    }
    // And one in Arabic, right to left.
    client.goto(&app.url("/home")).await.unwrap();
    click(&client, "#switch-language").await;
    text_showing(&client, "#my-experiments", "تجاربي").await;
    open_lab(&client, &app, path_ids[1]).await;
    let direction = client
        .execute("return document.documentElement.dir", vec![])
        .await
        .unwrap();
    assert_eq!(direction, json!("rtl"));
    shot(
        &format!("lab-{}-arabic-{suffix}.png", labs[1]),
        client.screenshot().await.unwrap(),
    );
    client.close().await.unwrap();
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
