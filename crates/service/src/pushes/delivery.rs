//! Delivering the outbox: per SID, the first message not yet acknowledged is POSTed as raw JSON to the school's
//! receiving URL with `TimeStamp` and `SafeKey` = md5(SECRET + TimeStamp) added, exactly as ClassIn sends; it is
//! acknowledged only by a JSON body whose `error_info.errno` is the integer 1. Anything else (another errno, a
//! body of another shape, no answer within the timeout) is an error noted on the message and the SID, and the
//! same message is tried again after the retry interval (ClassIn: every 10 seconds) before any message after it.
//! A lease per SID keeps two processes from sending one school's queue at once; a message is marked delivered
//! after its acknowledgement, so a process killed with messages pending leaves them to the next one.

use classbridge_domain::UnixMillis;
use std::{sync::Arc, time::Duration};

use classbridge_store::{outbox::OutboxMessage, Store, StoreResult};
use md5::{Digest, Md5};
use serde_json::Value;

use crate::secrets::MasterKey;

/// How deliveries are paced.
#[derive(Debug, Clone)]
pub struct PushSettings {
    /// A message not acknowledged is tried again after this long (ClassIn: 10 seconds).
    pub retry_seconds: u64,
    /// How long one attempt waits for the receiver's answer.
    pub timeout_seconds: u64,
    /// How often the outbox is looked at for due messages and closed lessons.
    pub poll_millis: u64,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self {
            retry_seconds: 10,
            timeout_seconds: 10,
            poll_millis: 500,
        }
    }
}

/// Where "now" comes from (Unix milliseconds): the server's clock, which tests move.
pub type NowMillis = Arc<dyn Fn() -> i64 + Send + Sync>;

/// One process's deliverer.
#[derive(Clone)]
pub struct Deliverer {
    store: Store,
    key: MasterKey,
    settings: PushSettings,
    owner: String,
    client: reqwest::Client,
    now: NowMillis,
}

/// The reply that acknowledges a message: JSON with `error_info.errno` the integer 1.
pub fn is_acknowledgement(body: &[u8]) -> Result<(), String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| "wrong reply format (10003): the reply is not JSON".to_owned())?;
    match value.pointer("/error_info/errno") {
        Some(Value::Number(number)) if number.as_i64() == Some(1) => Ok(()),
        Some(other) => Err(format!("the receiver answered errno {other}, not 1")),
        None => Err("wrong reply format (10003): no error_info.errno in the reply".to_owned()),
    }
}

/// `SafeKey` = md5(SECRET + TimeStamp), lowercase hex.
pub fn safe_key(secret: &str, time_stamp: i64) -> String {
    hex::encode(Md5::digest(format!("{secret}{time_stamp}")))
}

impl Deliverer {
    pub fn new(store: Store, key: MasterKey, settings: PushSettings, now: NowMillis) -> Self {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(settings.timeout_seconds.max(1)))
            .build()
            .unwrap_or_default();
        Self {
            store,
            key,
            settings,
            owner: format!("push-{}", ulid::Ulid::new()),
            client,
            now,
        }
    }

    /// Delivers until `stopping` turns true.
    pub async fn run(self, mut stopping: tokio::sync::watch::Receiver<bool>) {
        let every = Duration::from_millis(self.settings.poll_millis.max(10));
        loop {
            if *stopping.borrow() {
                break;
            }
            if let Err(error) = self.round().await {
                tracing::warn!(error = %error, "push delivery round failed; will retry");
            }
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                _ = stopping.changed() => {}
            }
        }
    }

    /// One round: summarise closed lessons, then deliver every due SID's queue (SIDs side by side).
    pub async fn round(&self) -> StoreResult<()> {
        let now = self.now();
        super::summaries::summarise_closed_lessons(&self.store, now, 200).await?;
        let sids = self.store.due_push_sids(now, &self.owner).await?;
        let mut running = tokio::task::JoinSet::new();
        for sid in sids {
            let this = self.clone();
            running.spawn(async move {
                if let Err(error) = this.deliver_sid(sid).await {
                    tracing::warn!(error = %error, sid, "push delivery failed; will retry");
                }
            });
        }
        while running.join_next().await.is_some() {}
        Ok(())
    }

    /// Now, by the clock the delivery was given.
    fn now(&self) -> UnixMillis {
        UnixMillis::new((self.now)())
    }

    fn lease_millis(&self) -> i64 {
        i64::try_from((self.settings.timeout_seconds + 5) * 1000).unwrap_or(i64::MAX)
    }

    /// Sends the SID's messages in order until one fails or none is due.
    async fn deliver_sid(&self, sid: i64) -> StoreResult<()> {
        loop {
            let now = self.now();
            if !self
                .store
                .lease_push_sid(sid, &self.owner, now, now.plus_millis(self.lease_millis()))
                .await?
            {
                return Ok(());
            }
            let Some((message, url)) = self.store.head_push_message(sid).await? else {
                break;
            };
            if message.next_attempt_at > now {
                break;
            }
            match self.attempt(&message, url.as_deref()).await {
                Ok(()) => {
                    self.store
                        .push_delivered(&message, &self.owner, self.now())
                        .await?;
                    metrics::counter!("classbridge_classin_pushes_delivered_total").increment(1);
                }
                Err(error) => {
                    let now = self.now();
                    let retry = i64::try_from(self.settings.retry_seconds * 1000).unwrap_or(10_000);
                    tracing::info!(sid, message = message.id, error = %error, "push not acknowledged; will retry");
                    self.store
                        .push_failed(&message, &error, now, now.plus_millis(retry))
                        .await?;
                    metrics::counter!("classbridge_classin_push_failures_total").increment(1);
                    break;
                }
            }
        }
        self.store.release_push_sid(sid, &self.owner).await
    }

    /// One attempt: signs the message now and POSTs it.
    async fn attempt(&self, message: &OutboxMessage, url: Option<&str>) -> Result<(), String> {
        let url = url.ok_or("the school has no receiving URL (classin-credential push-url)")?;
        let school = self
            .store
            .find_classin_school(message.sid)
            .await
            .map_err(|error| error.to_string())?
            .ok_or("the SID no longer exists")?;
        let secret = self
            .key
            .decrypt(&school.secret_encrypted)
            .map_err(|_| "the SID's secret cannot be decrypted".to_owned())?;
        let mut body: serde_json::Map<String, Value> = serde_json::from_str(&message.body)
            .map_err(|_| "the stored message is not a JSON object".to_owned())?;
        let time_stamp = (self.now)() / 1000;
        body.insert("TimeStamp".into(), time_stamp.into());
        body.insert("SafeKey".into(), safe_key(&secret, time_stamp).into());
        let response = self
            .client
            .post(url)
            .header("Origin", "http://www.eeo.cn")
            .json(&body)
            .send()
            .await
            .map_err(|error| {
                if error.is_timeout() {
                    "no answer within the timeout".to_owned()
                } else {
                    format!("cannot reach the receiver: {error}")
                }
            })?;
        let status = response.status();
        let reply = response
            .bytes()
            .await
            .map_err(|error| format!("the reply could not be read: {error}"))?;
        is_acknowledgement(&reply).map_err(|error| format!("HTTP {}: {error}", status.as_u16()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_errno_one_as_an_integer_acknowledges() {
        assert!(is_acknowledgement(br#"{"error_info": {"errno": 1, "error": "ok"}}"#).is_ok());
        assert!(is_acknowledgement(br#"{"error_info": {"errno": 1}}"#).is_ok());
        assert!(is_acknowledgement(br#"{"error_info": {"errno": "1"}}"#).is_err());
        assert!(is_acknowledgement(br#"{"error_info": {"errno": 0}}"#).is_err());
        assert!(is_acknowledgement(br#"{"errno": 1}"#).is_err());
        assert!(is_acknowledgement(b"OK").is_err());
    }
}
