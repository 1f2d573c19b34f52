//! The `classbridge` binary as an operator uses it: quickstart, the tenant and credential commands, exit codes.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

use serde_json::Value;

use crate::{
    both_databases,
    harness::{Backend, TestDatabase},
};

const BINARY: &str = env!("CARGO_BIN_EXE_classbridge");

/// Runs the binary to completion: (exit code, stdout, stderr).
fn run(
    data_dir: &std::path::Path,
    database_url: Option<&str>,
    args: &[&str],
) -> (i32, String, String) {
    let mut command = Command::new(BINARY);
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    let output = command.output().expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

both_databases!(operator_commands_manage_tenants_and_credentials);

async fn operator_commands_manage_tenants_and_credentials(backend: Backend) {
    let database = TestDatabase::create(&backend).await;
    let folder = tempfile::tempdir().unwrap();
    let url = database.url.as_deref();
    let dir = folder.path();
    assert_eq!(run(dir, url, &["migrate"]).0, 0);

    let (code, out, _) = run(
        dir,
        url,
        &["tenant", "create", "north-school", "--name", "North School"],
    );
    assert_eq!(
        (code, out.trim()),
        (0, "created tenant north-school (North School)")
    );
    let (code, _, err) = run(dir, url, &["tenant", "create", "north-school"]);
    assert_eq!(
        (code, err.trim()),
        (1, "error: a tenant `north-school` already exists")
    );
    let (code, _, err) = run(dir, url, &["tenant", "create", "North School"]);
    assert_eq!(code, 1);
    assert!(err.contains("a tenant slug is 1 to 63 characters"), "{err}");

    let template = "https://meet.example.org/{tenant}-{lesson_id}";
    let (code, out, _) = run(
        dir,
        url,
        &["tenant", "video-room", "north-school", template],
    );
    assert_eq!(
        (code, out.trim()),
        (
            0,
            format!("lessons of tenant north-school take place at {template}").as_str()
        )
    );
    for bad in [
        "https://meet.example.org/{tenant}",
        "ftp://x/{lesson_id}",
        "https://x/{room}-{lesson_id}",
    ] {
        let (code, _, err) = run(dir, url, &["tenant", "video-room", "north-school", bad]);
        assert_eq!(code, 1, "{bad}");
        assert!(err.contains("video-room URL template"), "{bad}: {err}");
    }
    assert_eq!(
        run(dir, url, &["tenant", "video-room", "north-school"]).0,
        2,
        "a template or --clear"
    );
    let (code, out, _) = run(
        dir,
        url,
        &["tenant", "video-room", "north-school", "--clear"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("has no video room"), "{out}");
    let (code, _, err) = run(dir, url, &["tenant", "video-room", "nowhere", template]);
    assert_eq!((code, err.trim()), (1, "error: no tenant `nowhere`"));

    let (code, out, _) = run(
        dir,
        url,
        &[
            "credential",
            "create",
            "--tenant",
            "north-school",
            "--referer",
            "https://sis.example.org/x",
            "--name",
            "SIS",
        ],
    );
    assert_eq!(code, 0);
    assert!(
        out.lines().any(|line| line.starts_with("token: cbp_")),
        "{out}"
    );
    let (code, _, err) = run(
        dir,
        url,
        &[
            "credential",
            "create",
            "--tenant",
            "nowhere",
            "--referer",
            "https://a.example",
        ],
    );
    assert_eq!((code, err.trim()), (1, "error: no tenant `nowhere`"));
    let (code, _, err) = run(
        dir,
        url,
        &[
            "credential",
            "create",
            "--tenant",
            "north-school",
            "--referer",
            "sis.example.org",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("the referer must be an http(s) origin"),
        "{err}"
    );

    let (code, out, _) = run(dir, url, &["credential", "list", "--json"]);
    assert_eq!(code, 0);
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed[0]["referer"], "https://sis.example.org");
    assert_eq!(listed[0]["tenant"], "north-school");
    assert!(!out.contains("token\":"), "tokens are never listed: {out}");
    let id = listed[0]["id"].as_i64().unwrap().to_string();
    let (code, out, _) = run(dir, url, &["credential", "rotate", &id]);
    assert_eq!(code, 0);
    assert!(out.contains("token: cbp_"));
    assert_eq!(run(dir, url, &["credential", "revoke", &id]).0, 0);
    let (code, _, err) = run(dir, url, &["credential", "rotate", &id]);
    assert_eq!(
        code, 1,
        "a revoked credential cannot be rotated back to life: {err}"
    );
    assert_eq!(run(dir, url, &["credential", "revoke", "9999"]).0, 1);

    let (code, out, _) = run(
        dir,
        url,
        &["classin-credential", "create", "--tenant", "north-school"],
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("SID:    1000001") && out.contains("SECRET: "),
        "{out}"
    );
    let (code, _, _) = run(
        dir,
        url,
        &[
            "classin-credential",
            "create",
            "--tenant",
            "north-school",
            "--sid",
            "1000001",
        ],
    );
    assert_eq!(code, 1, "SIDs are unique");
    let (code, out, _) = run(dir, url, &["classin-credential", "list", "--json"]);
    assert_eq!(code, 0);
    let secret = out.contains("secret");
    assert!(!secret, "secrets are never listed: {out}");
    assert_eq!(
        run(dir, url, &["classin-credential", "revoke", "1000001"]).0,
        0
    );

    assert_eq!(run(dir, url, &["tenant", "disable", "north-school"]).0, 0);
    let (_, out, _) = run(dir, url, &["tenant", "list"]);
    assert!(
        out.contains("north-school") && out.contains("disabled"),
        "{out}"
    );
    assert_eq!(run(dir, url, &["tenant", "disable", "south"]).0, 1);
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let folder = tempfile::tempdir().unwrap();
    assert_eq!(run(folder.path(), None, &["no-such-command"]).0, 2);
    assert_eq!(
        run(folder.path(), None, &["credential", "create"]).0,
        2,
        "missing --tenant and --referer"
    );
    for command in [
        &["--help"][..],
        &["quickstart", "--help"],
        &["serve", "--help"],
        &["worker", "--help"],
        &["migrate", "--help"],
        &["tenant", "create", "--help"],
        &["credential", "rotate", "--help"],
        &["classin-credential", "revoke", "--help"],
    ] {
        let (code, out, _) = run(folder.path(), None, command);
        assert_eq!(code, 0, "{command:?}");
        assert!(out.contains("Usage:"), "{command:?}: {out}");
    }
}

/// The README's run command: a new user gets a token that works, and Ctrl-C / SIGTERM stops the server cleanly.
#[test]
fn quickstart_prints_a_working_token_and_stops_on_sigterm() {
    let folder = tempfile::tempdir().unwrap();
    let start = || {
        Command::new(BINARY)
            .current_dir(folder.path())
            .args(["quickstart", "--bind", "127.0.0.1:0"])
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("quickstart starts")
    };
    let read_banner = |child: &mut std::process::Child| {
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let mut curl = None;
        for line in lines.by_ref() {
            let line = line.unwrap();
            if line.trim_start().starts_with("curl ") {
                curl = Some(line.trim().to_owned());
                break;
            }
        }
        // Keep reading whatever else it prints, as a terminal would.
        std::thread::spawn(move || lines.for_each(drop));
        curl.expect("quickstart prints a curl command")
    };
    let parse = |curl: &str| {
        let url = curl.split_whitespace().nth(2).unwrap().to_owned();
        let token = curl
            .split("token: ")
            .nth(1)
            .unwrap()
            .split('\'')
            .next()
            .unwrap()
            .to_owned();
        (url, token)
    };
    let call = |url: &str, token: &str| {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let response = reqwest::Client::builder()
                .no_proxy()
                .build()
                .unwrap()
                .get(url)
                .header("token", token)
                .header("referer", "http://localhost")
                .header("accept", "application/json")
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        })
    };

    let mut first = start();
    let (url, token) = parse(&read_banner(&mut first));
    let (status, me) = call(&url, &token);
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["tenant"]["slug"], "demo");
    assert!(folder.path().join("data/classbridge.db").exists());
    terminate_and_wait(&mut first);

    let mut second = start();
    let (url, new_token) = parse(&read_banner(&mut second));
    assert_ne!(token, new_token);
    assert_eq!(
        call(&url, &new_token).0,
        200,
        "a second quickstart reuses the tenant with a fresh token"
    );
    assert_eq!(
        call(&url, &token).0,
        401,
        "the previous quickstart token is replaced"
    );
    terminate_and_wait(&mut second);
}

fn terminate_and_wait(child: &mut std::process::Child) {
    let status = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "a graceful stop exits 0: {status}");
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("the server did not stop within 10 s of SIGTERM");
}
