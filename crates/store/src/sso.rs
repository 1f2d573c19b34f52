//! Single sign-on links and web sessions. A link is consumed by one statement that only an unused, unexpired link
//! passes, so two requests (on two nodes) racing for it give exactly one session.

use classbridge_domain::{TenantId, UnixMillis, UserId};

use crate::{Store, StoreError, StoreResult};

#[derive(Debug, Clone)]
pub struct NewLink<'a> {
    pub token_sha256: &'a str,
    pub user_id: UserId,
    pub link_type: &'a str,
    pub lang: &'a str,
    pub target: &'a str,
    pub expires_at: UnixMillis,
}

/// A link as stored, with its tenant's slug (for the Host check before consuming it).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub tenant_id: TenantId,
    pub tenant_slug: String,
    pub user_id: UserId,
    pub link_type: String,
    pub lang: String,
    pub target: String,
    pub expires_at: UnixMillis,
    pub used_at: Option<UnixMillis>,
    /// Whether the link's tenant is disabled (its links are refused then).
    pub tenant_disabled: bool,
}

/// A live session and the person it signs in.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub tenant_id: TenantId,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub user_id: UserId,
    pub user_name: String,
    pub kind: String,
    pub lang: String,
    pub csrf_token: String,
    pub last_seen_at: UnixMillis,
}

/// A link just used: whose it is and the session it opened.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsumedLink {
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub lang: String,
    pub target: String,
}

/// Sessions end after this long without a request.
pub const SESSION_IDLE_MS: i64 = 8 * 3600 * 1000;
/// `last_seen_at` is written at most this often, so that page views are reads.
const SEEN_EVERY_MS: i64 = 60 * 1000;

impl Store {
    /// Stores a new link (in a group commit with the links asked for at the same moment).
    pub async fn insert_sso_link(
        &self,
        tenant_id: TenantId,
        link: &NewLink<'_>,
    ) -> StoreResult<()> {
        let (written, done) = tokio::sync::oneshot::channel();
        let pending = crate::batch::PendingLink {
            token_sha256: link.token_sha256.to_owned(),
            tenant_id,
            user_id: link.user_id,
            link_type: link.link_type.to_owned(),
            lang: link.lang.to_owned(),
            target: link.target.to_owned(),
            expires_at: link.expires_at,
            written,
        };
        let stopped = || StoreError::Batch("the link writer has stopped".into());
        self.links.send(pending).await.map_err(|_| stopped())?;
        done.await.map_err(|_| stopped())?
    }

    /// The link with this token hash, to say why it was refused.
    ///
    /// Not tenant-scoped: the authentication path; the secret token's hash is how the link's tenant is found (its
    /// slug comes back for the Host check).
    pub async fn find_sso_link(&self, token_sha256: &str) -> StoreResult<Option<LinkRow>> {
        let sql = "SELECT l.tenant_id, t.slug AS tenant_slug, l.user_id, l.link_type, l.lang, l.target, l.expires_at, l.used_at, \
                   (t.disabled_at IS NOT NULL) AS tenant_disabled FROM sso_links l JOIN tenants t ON t.id = l.tenant_id WHERE l.token_sha256 = $1";
        Ok(
            on_reader!(self, pool => sqlx::query_as(sql).bind(token_sha256).fetch_optional(pool).await?),
        )
    }

    /// Uses the link and opens a session for its person, in one transaction; `None` when the link is unknown here
    /// (another tenant's host, another link type), already used, expired, its person is no longer active or its
    /// tenant is disabled
    /// (nothing is written then). One statement decides, so racing requests (on any node) get one session.
    ///
    /// Not tenant-scoped: the authentication path; the secret token's hash finds the link and its tenant, which the
    /// request's host (`host_slug`) must name.
    pub async fn consume_sso_link(
        &self,
        token_sha256: &str,
        session_sha256: &str,
        csrf_token: &str,
        kind: &str,
        host_slug: Option<&str>,
        link_type: Option<&str>,
    ) -> StoreResult<Option<ConsumedLink>> {
        // A lesson link (`lesson:{id}`, ClassIn's getLoginLinked) works more than once until it expires, and the
        // session it opens is of that lesson only (its kind is the link's target).
        let consume = "UPDATE sso_links SET used_at = $2 WHERE token_sha256 = $1 \
                       AND (used_at IS NULL OR target LIKE 'lesson:%') AND expires_at > $2 \
                       AND EXISTS (SELECT 1 FROM users u WHERE u.id = sso_links.user_id AND u.active) \
                       AND EXISTS (SELECT 1 FROM tenants d WHERE d.id = sso_links.tenant_id AND d.disabled_at IS NULL) \
                       AND ($3 IS NULL OR tenant_id = (SELECT t.id FROM tenants t WHERE t.slug = $3)) \
                       AND ($4 IS NULL OR link_type = $4) \
                       RETURNING tenant_id, user_id, lang, target";
        let open = "INSERT INTO web_sessions (id_sha256, tenant_id, user_id, kind, lang, csrf_token, created_at, last_seen_at) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";
        let opened = in_transaction!(self, tx => {
            let now = UnixMillis::now();
            let consumed: Option<ConsumedLink> = sqlx::query_as(consume)
                .bind(token_sha256).bind(now).bind(host_slug).bind(link_type)
                .fetch_optional(&mut *tx).await?;
            if let Some(link) = &consumed {
                let kind = if link.target.starts_with("lesson:") { link.target.as_str() } else { kind };
                sqlx::query(open)
                    .bind(session_sha256).bind(link.tenant_id).bind(link.user_id).bind(kind).bind(&link.lang)
                    .bind(csrf_token).bind(now)
                    .execute(&mut *tx).await?;
            }
            consumed
        });
        Ok(opened)
    }

    /// The live session with this id hash (not ended, not idle too long, its person active); notes the visit.
    ///
    /// Not tenant-scoped: the authentication path; the secret session id's hash is how the session's tenant is
    /// found (the caller checks the request's host against its slug).
    pub async fn find_session(&self, session_sha256: &str) -> StoreResult<Option<SessionRow>> {
        let sql = "SELECT s.tenant_id, t.slug AS tenant_slug, t.name AS tenant_name, s.user_id, u.name AS user_name, \
                   s.kind, s.lang, s.csrf_token, s.last_seen_at \
                   FROM web_sessions s JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = s.tenant_id \
                   WHERE s.id_sha256 = $1 AND s.ended_at IS NULL AND s.last_seen_at > $2 AND u.active \
                   AND t.disabled_at IS NULL";
        let now = UnixMillis::now();
        let session: Option<SessionRow> = on_reader!(self, pool => {
            sqlx::query_as(sql).bind(session_sha256).bind(now.plus_millis(-SESSION_IDLE_MS)).fetch_optional(pool).await?
        });
        if session
            .as_ref()
            .is_some_and(|s| now.millis() - s.last_seen_at.millis() > SEEN_EVERY_MS)
        {
            in_transaction!(self, tx => {
                sqlx::query("UPDATE web_sessions SET last_seen_at = $2 WHERE id_sha256 = $1")
                    .bind(session_sha256).bind(now).execute(&mut *tx).await?;
            });
        }
        Ok(session)
    }

    /// Sets the language of a session of the tenant.
    pub async fn set_session_lang(
        &self,
        tenant_id: TenantId,
        session_sha256: &str,
        lang: &str,
    ) -> StoreResult<()> {
        let sql = "UPDATE web_sessions SET lang = $3 WHERE tenant_id = $1 AND id_sha256 = $2";
        in_transaction!(self, tx => {
            sqlx::query(sql).bind(tenant_id).bind(session_sha256).bind(lang).execute(&mut *tx).await?;
        });
        Ok(())
    }

    /// Ends the session with this id hash.
    ///
    /// Not tenant-scoped: the authentication path; the secret session id's hash names one session, and a browser's
    /// previous session is ended on a new sign-in whatever tenant it was of.
    pub async fn end_session(&self, session_sha256: &str) -> StoreResult<()> {
        in_transaction!(self, tx => {
            sqlx::query("UPDATE web_sessions SET ended_at = $2 WHERE id_sha256 = $1 AND ended_at IS NULL")
                .bind(session_sha256).bind(UnixMillis::now()).execute(&mut *tx).await?;
        });
        Ok(())
    }
}

/// Ends every session of these people of the tenant (deactivated, or lost a role), inside the caller's transaction.
pub async fn end_sessions_of(tx: &mut crate::TenantTx, user_ids: &[UserId]) -> StoreResult<()> {
    let now = UnixMillis::now();
    let tenant = tx.tenant_id();
    for chunk in user_ids.chunks(500) {
        crate::tx::on_tx!(tx.store_tx(), conn, Db => {
            let mut query = sqlx::QueryBuilder::<Db>::new("UPDATE web_sessions SET ended_at = ");
            query.push_bind(now).push(" WHERE ended_at IS NULL AND tenant_id = ").push_bind(tenant);
            query.push(" AND user_id IN (");
            let mut separated = query.separated(", ");
            for id in chunk {
                separated.push_bind(*id);
            }
            separated.push_unseparated(")");
            query.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}
