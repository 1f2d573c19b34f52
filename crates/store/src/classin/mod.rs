//! The ClassIn-compatible scheduling API's storage: the school a SID names, accounts by telephone or e-mail, and
//! people's identities in the school (teachers, students). Courses and lessons are in the submodules. Writes and
//! the reads that decide them run inside the caller's transaction.

pub mod bookings;
pub mod courses;
pub mod labels;
pub mod lessons;
pub mod reads;
pub mod units;

use classbridge_domain::{Role, TenantId, UnixMillis, UserId};

use crate::{now_millis, tx::on_tx, Store, StoreResult, TenantTx};

/// Added to a teacher identity's row id to make the relationship id `addTeacher` answers: it must never be mistaken
/// for a UID, so the two live in visibly different ranges.
pub const TEACHER_RELATIONSHIP_OFFSET: i64 = 10_000_000;

/// The school behind a SID: its credential and its tenant.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClassinSchool {
    pub sid: i64,
    pub tenant_id: TenantId,
    pub tenant_slug: String,
    pub secret_encrypted: String,
    pub revoked_at: Option<UnixMillis>,
    pub last_used_at: Option<UnixMillis>,
    pub tenant_disabled_at: Option<UnixMillis>,
}

/// How a person is known to ClassIn: a telephone number or an e-mail address.
#[derive(Debug, Clone, Copy)]
pub enum Account<'a> {
    Telephone(&'a str),
    Email(&'a str),
}

/// A person as the scheduling API sees them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: UserId,
    pub name: String,
    pub active: bool,
}

/// A new person registered through the scheduling API.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub name: String,
    pub telephone: Option<String>,
    pub email: Option<String>,
    pub password_hash: Option<String>,
}

/// An identity in the school, each in its own table and giving its own role (teacher or student).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchoolIdentity {
    Teacher,
    Student,
}

impl SchoolIdentity {
    fn table(self) -> &'static str {
        match self {
            Self::Teacher => "classin_school_teachers",
            Self::Student => "classin_school_students",
        }
    }

    fn role(self) -> Role {
        match self {
            Self::Teacher => Role::Teacher,
            Self::Student => Role::Student,
        }
    }

    fn stopped_column(self) -> &'static str {
        match self {
            Self::Teacher => "stopped_at",
            Self::Student => "NULL AS stopped_at",
        }
    }
}

/// A person's identity in the school.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SchoolMemberRow {
    pub id: i64,
    pub user_id: UserId,
    pub name: String,
    pub stopped_at: Option<UnixMillis>,
}

impl Store {
    /// The credential a SID names, with its tenant (revoked ones too: the caller refuses them).
    ///
    /// Not tenant-scoped: the authentication path of the ClassIn API; the SID is what names the tenant.
    pub async fn find_classin_school(&self, sid: i64) -> StoreResult<Option<ClassinSchool>> {
        let sql = "SELECT c.sid, c.tenant_id, t.slug AS tenant_slug, c.secret_encrypted, c.revoked_at, \
                   c.last_used_at, t.disabled_at AS tenant_disabled_at \
                   FROM classin_credentials c JOIN tenants t ON t.id = c.tenant_id WHERE c.sid = $1";
        Ok(on_reader!(self, pool => sqlx::query_as(sql).bind(sid).fetch_optional(pool).await?))
    }
}

impl Store {
    /// Notes that the SID was used at `now_ms`.
    ///
    /// Not tenant-scoped: the authentication path of the ClassIn API, on the credential the SID just proved.
    pub async fn touch_classin_credential(&self, sid: i64, now: UnixMillis) -> StoreResult<()> {
        let sql = "UPDATE classin_credentials SET last_used_at = $2 WHERE sid = $1";
        in_transaction!(self, tx => {
            sqlx::query(sql).bind(sid).bind(now).execute(&mut *tx).await?;
        });
        Ok(())
    }
}

/// The tenant's person holding this telephone or e-mail (case-insensitively).
pub async fn find_account(
    tx: &mut TenantTx,
    account: Account<'_>,
) -> StoreResult<Option<AccountRow>> {
    let tenant_id = tx.tenant_id();
    let (condition, value) = match account {
        Account::Telephone(telephone) => ("telephone = $2", telephone),
        Account::Email(email) => ("lower(email) = lower($2)", email),
    };
    let sql = format!("SELECT id, name, active FROM users WHERE tenant_id = $1 AND {condition}");
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(tenant_id.get()).bind(value).fetch_optional(&mut *conn).await?
    }))
}

/// The tenant's person with this UID.
pub async fn find_person(tx: &mut TenantTx, user_id: UserId) -> StoreResult<Option<AccountRow>> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT id, name, active FROM users WHERE tenant_id = $1 AND id = $2";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(sql).bind(tenant_id.get()).bind(user_id).fetch_optional(&mut *conn).await?
    }))
}

pub async fn insert_account(tx: &mut TenantTx, account: &NewAccount) -> StoreResult<UserId> {
    let tenant_id = tx.tenant_id();
    let sql = "INSERT INTO users (tenant_id, name, telephone, email, password_hash, active, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6) RETURNING id";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql)
            .bind(tenant_id.get()).bind(&account.name).bind(&account.telephone).bind(&account.email)
            .bind(&account.password_hash).bind(now_millis())
            .fetch_one(&mut *conn).await?
    }))
}

/// The person's identity of this kind in the school, if they have one.
pub async fn find_school_member(
    tx: &mut TenantTx,
    identity: SchoolIdentity,
    user_id: UserId,
) -> StoreResult<Option<SchoolMemberRow>> {
    let tenant_id = tx.tenant_id();
    let sql = format!(
        "SELECT id, user_id, name, {} FROM {} WHERE tenant_id = $1 AND user_id = $2",
        identity.stopped_column(),
        identity.table()
    );
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(tenant_id.get()).bind(user_id).fetch_optional(&mut *conn).await?
    }))
}

/// Gives the person an identity in the school (and the role it implies); returns the identity's row id.
pub async fn insert_school_member(
    tx: &mut TenantTx,
    identity: SchoolIdentity,
    user_id: UserId,
    name: &str,
) -> StoreResult<i64> {
    let tenant_id = tx.tenant_id();
    let insert = format!(
        "INSERT INTO {} (tenant_id, user_id, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        identity.table()
    );
    // The role goes only to the tenant's own person.
    let role = "INSERT INTO user_roles (user_id, role_id) SELECT id, $2 FROM users WHERE id = $1 AND tenant_id = $3 \
                ON CONFLICT DO NOTHING";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        let id: i64 = sqlx::query_scalar(&insert)
            .bind(tenant_id.get()).bind(user_id).bind(name).bind(now_millis())
            .fetch_one(&mut *conn).await?;
        sqlx::query(role).bind(user_id).bind(identity.role()).bind(tenant_id.get()).execute(&mut *conn).await?;
        id
    }))
}

/// Renames the person within the school (their own nickname stays).
pub async fn rename_school_member(
    tx: &mut TenantTx,
    identity: SchoolIdentity,
    user_id: UserId,
    name: &str,
) -> StoreResult<()> {
    let tenant_id = tx.tenant_id();
    let sql = format!(
        "UPDATE {} SET name = $3 WHERE tenant_id = $1 AND user_id = $2",
        identity.table()
    );
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(&sql).bind(tenant_id.get()).bind(user_id).bind(name).execute(&mut *conn).await?;
    });
    Ok(())
}

/// Stops a teacher (`Some(when)`) or lets them teach again (`None`).
pub async fn set_teacher_stopped(
    tx: &mut TenantTx,
    user_id: UserId,
    stopped_at: Option<UnixMillis>,
) -> StoreResult<()> {
    let tenant_id = tx.tenant_id();
    let sql =
        "UPDATE classin_school_teachers SET stopped_at = $3 WHERE tenant_id = $1 AND user_id = $2";
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(tenant_id.get()).bind(user_id).bind(stopped_at).execute(&mut *conn).await?;
    });
    Ok(())
}

/// Sets a person's password hash (`modifyPasswordByTelephone`).
pub async fn set_password_hash(
    tx: &mut TenantTx,
    user_id: UserId,
    password_hash: &str,
) -> StoreResult<()> {
    let tenant_id = tx.tenant_id();
    let sql =
        "UPDATE users SET password_hash = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2";
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(tenant_id.get()).bind(user_id).bind(password_hash).bind(now_millis())
            .execute(&mut *conn).await?;
    });
    Ok(())
}
