//! The ClassIn-compatible API as a school's backend calls it: form posts signed with the SID and SECRET
//! (`safeKey` = md5(SECRET + timeStamp)), answers unwrapped from their `error_info` envelope.

use anyhow::{anyhow, bail, Result};
use md5::{Digest, Md5};
use serde_json::Value;

use crate::server::Server;

/// The ClassIn-compatible API with the tenant's SID and SECRET (`safeKey` = md5(SECRET + timeStamp)).
pub struct ClassIn {
    http: reqwest::Client,
    url: String,
    sid: String,
    secret: String,
}

impl ClassIn {
    pub fn new(http: reqwest::Client, server: &Server) -> Self {
        Self {
            http,
            url: format!("{}/partner/api/course.api.php", server.base),
            sid: server.classin_sid.clone(),
            secret: server.classin_secret.clone(),
        }
    }

    pub async fn call(&self, action: &str, params: &[(&str, String)]) -> Result<Value> {
        let stamp = unix_now();
        let safe_key = hex::encode(Md5::digest(format!("{}{stamp}", self.secret)));
        let mut form: Vec<(&str, String)> = vec![
            ("SID", self.sid.clone()),
            ("timeStamp", stamp.to_string()),
            ("safeKey", safe_key),
        ];
        form.extend(params.iter().cloned());
        let answer: Value = self
            .http
            .post(format!("{}?action={action}", self.url))
            .form(&form)
            .send()
            .await?
            .json()
            .await?;
        match answer["error_info"]["errno"].as_i64() {
            Some(1) => Ok(answer["data"].clone()),
            _ => bail!("{action} failed: {answer}"),
        }
    }

    pub async fn register(&self, telephone: &str, nickname: &str, identity: i64) -> Result<i64> {
        self.call(
            "register",
            &[
                ("telephone", telephone.into()),
                ("nickname", nickname.into()),
                ("md5pass", "e10adc3949ba59abbe56e057f20f883e".into()),
                ("addToSchoolMember", identity.to_string()),
            ],
        )
        .await?
        .as_i64()
        .ok_or_else(|| anyhow!("register answered no UID"))
    }
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() as i64)
}
