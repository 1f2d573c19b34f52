//! What each subcommand does. Output for people goes to stdout; logs go to stderr.

use anyhow::Context;
use classbridge_service::admin::{self, PartnerCredentialRequest};
use classbridge_store::{PartnerCredential, Store};
use serde_json::json;

use crate::{
    app::{self, Application},
    cli::{ClassinCredentialCommand, Cli, Command, CredentialCommand, TenantCommand},
    config::Config,
    telemetry,
};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config =
        Config::load(cli.config.as_deref(), &cli.flag_overrides()).map_err(anyhow::Error::msg)?;
    telemetry::init(&config);
    match cli.command {
        Command::Serve(_) => {
            let application = Application::build(config).await?;
            tracing::info!(address = %application.local_addr(), "serving");
            application.run_until_stopped(app::shutdown_signal()).await
        }
        Command::Quickstart(_) => quickstart(config).await,
        Command::Worker(_) => app::run_workers_only(config).await,
        Command::Migrate => {
            app::open_store(&config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Tenant(command) => tenant(&app::open_store(&config).await?, command).await,
        Command::Credential(command) => credential(&app::open_store(&config).await?, command).await,
        Command::ClassinCredential(command) => {
            let store = app::open_store(&config).await?;
            classin_credential(&store, &config, command).await
        }
    }
}

async fn tenant(store: &Store, command: TenantCommand) -> anyhow::Result<()> {
    match command {
        TenantCommand::Create { slug, name } => {
            let tenant =
                admin::create_tenant(store, &slug, name.as_deref().unwrap_or(&slug)).await?;
            println!("created tenant {} ({})", tenant.slug, tenant.name);
        }
        TenantCommand::List { json } => {
            let tenants = store.list_tenants().await?;
            if json {
                let rows: Vec<_> = tenants
                    .iter()
                    .map(|t| json!({"slug": t.slug, "name": t.name, "disabled": t.is_disabled()}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else if tenants.is_empty() {
                println!("no tenants yet: classbridge tenant create <slug>");
            } else {
                println!("{:<24} {:<9} NAME", "SLUG", "STATE");
                for tenant in tenants {
                    let state = if tenant.is_disabled() {
                        "disabled"
                    } else {
                        "active"
                    };
                    println!("{:<24} {:<9} {}", tenant.slug, state, tenant.name);
                }
            }
        }
        TenantCommand::Disable { slug } => {
            admin::set_tenant_disabled(store, &slug, true).await?;
            println!("disabled tenant {slug}: its credentials are refused from now on");
        }
        TenantCommand::Enable { slug } => {
            admin::set_tenant_disabled(store, &slug, false).await?;
            println!("enabled tenant {slug}");
        }
        TenantCommand::VideoRoom { slug, template, .. } => {
            let tenant = admin::set_tenant_video_room(store, &slug, template.as_deref()).await?;
            match tenant.video_room_url {
                Some(template) => println!("lessons of tenant {slug} take place at {template}"),
                None => println!(
                    "tenant {slug} has no video room: entering a lesson only records attendance"
                ),
            }
        }
    }
    Ok(())
}

fn credential_json(credential: &PartnerCredential, tenant_slug: &str) -> serde_json::Value {
    json!({
        "id": credential.id.0, "tenant": tenant_slug, "name": credential.name,
        "referer": credential.referer_origin, "token_hint": credential.token_hint,
        "branch_id": credential.scope.branch_id(), "rate_limit_per_minute": credential.rate_limit_per_minute,
        "revoked": credential.revoked_at.is_some(), "last_used_at": credential.last_used_at,
        "accepted_count": credential.accepted_count, "refused_count": credential.refused_count,
    })
}

async fn credential(store: &Store, command: CredentialCommand) -> anyhow::Result<()> {
    match command {
        CredentialCommand::Create {
            tenant,
            referer,
            name,
            branch,
            rate_limit,
        } => {
            let request = PartnerCredentialRequest {
                tenant_slug: tenant.clone(),
                name,
                referer,
                branch_id: branch,
                rate_limit_per_minute: rate_limit,
            };
            let (credential, token) = admin::create_partner_credential(store, &request).await?;
            println!(
                "created partner credential {} for tenant {tenant}",
                credential.id.0
            );
            println!("token: {token}");
            println!("(shown once: store it now; only its hash is kept)");
        }
        CredentialCommand::List { tenant, json } => {
            let tenant_filter = match &tenant {
                Some(slug) => Some(admin::tenant_by_slug(store, slug).await?.id),
                None => None,
            };
            let slugs: std::collections::HashMap<i64, String> = store
                .list_tenants()
                .await?
                .into_iter()
                .map(|t| (t.id.get(), t.slug))
                .collect();
            let credentials = store.list_partner_credentials(tenant_filter).await?;
            let slug_of =
                |c: &PartnerCredential| slugs.get(&c.tenant_id.get()).cloned().unwrap_or_default();
            if json {
                let rows: Vec<_> = credentials
                    .iter()
                    .map(|c| credential_json(c, &slug_of(c)))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                println!(
                    "{:<5} {:<16} {:<20} {:<28} {:<10} {:<8} CALLS",
                    "ID", "TENANT", "NAME", "REFERER", "TOKEN", "STATE"
                );
                for c in &credentials {
                    let state = if c.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "live"
                    };
                    println!(
                        "{:<5} {:<16} {:<20} {:<28} {:<10} {:<8} {} ok, {} refused",
                        c.id.0,
                        slug_of(c),
                        c.name,
                        c.referer_origin,
                        format!("{}…", c.token_hint),
                        state,
                        c.accepted_count,
                        c.refused_count
                    );
                }
            }
        }
        CredentialCommand::Revoke { id } => {
            admin::revoke_partner_credential(store, id).await?;
            println!("revoked partner credential {id}: refused from the next request on");
        }
        CredentialCommand::Rotate { id } => {
            let (_, token) = admin::rotate_partner_credential(store, id).await?;
            println!("rotated partner credential {id}; the old token is refused from now on");
            println!("token: {token}");
            println!("(shown once: store it now; only its hash is kept)");
        }
    }
    Ok(())
}

async fn classin_credential(
    store: &Store,
    config: &Config,
    command: ClassinCredentialCommand,
) -> anyhow::Result<()> {
    match command {
        ClassinCredentialCommand::Create { tenant, name, sid } => {
            let key = app::master_key(config)?;
            let (credential, secret) =
                admin::create_classin_credential(store, &key, &tenant, &name, sid).await?;
            println!("created ClassIn credential for tenant {tenant}");
            println!("SID:    {}", credential.sid);
            println!("SECRET: {secret}");
            println!("(the secret is stored encrypted with the master key)");
        }
        ClassinCredentialCommand::List { tenant, json } => {
            let tenant_filter = match &tenant {
                Some(slug) => Some(admin::tenant_by_slug(store, slug).await?.id),
                None => None,
            };
            let credentials = store.list_classin_credentials(tenant_filter).await?;
            if json {
                let rows: Vec<_> = credentials
                    .iter()
                    .map(|c| json!({"sid": c.sid, "name": c.name, "revoked": c.revoked_at.is_some(), "last_used_at": c.last_used_at}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                println!("{:<10} {:<24} {:<8} LAST USED", "SID", "NAME", "STATE");
                for c in &credentials {
                    println!(
                        "{:<10} {:<24} {:<8} {}",
                        c.sid,
                        c.name,
                        if c.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "live"
                        },
                        c.last_used_at
                            .map_or_else(|| "never".to_owned(), classbridge_api::time::rfc3339)
                    );
                }
            }
        }
        ClassinCredentialCommand::Revoke { sid } => {
            admin::revoke_classin_credential(store, sid).await?;
            println!("revoked ClassIn credential {sid}");
        }
        ClassinCredentialCommand::PushUrl { sid, url, clear: _ } => {
            classbridge_service::pushes::set_push_url(
                &classbridge_service::Service::new(store.clone()),
                sid,
                url.as_deref(),
            )
            .await
            .map_err(anyhow::Error::msg)?;
            match url {
                Some(url) => println!("pushes for SID {sid} go to {url}"),
                None => println!("pushes for SID {sid} stopped"),
            }
        }
        ClassinCredentialCommand::Pushes { json } => {
            let states = store.push_queue_states().await?;
            let time =
                |at: Option<classbridge_domain::UnixMillis>| at.map(classbridge_api::time::rfc3339);
            if json {
                let rows: Vec<_> = states
                    .iter()
                    .map(|s| json!({"sid": s.sid, "tenant": s.tenant_slug, "push_url": s.push_url,
                                    "pending": s.pending, "oldest_pending_at": time(s.oldest_pending_at),
                                    "delivered": s.delivered, "last_error": s.last_error,
                                    "last_error_at": time(s.last_error_at)}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                println!(
                    "{:<10} {:<16} {:>8} {:<24} {:>10} LAST ERROR",
                    "SID", "TENANT", "PENDING", "OLDEST PENDING", "DELIVERED"
                );
                for s in &states {
                    println!(
                        "{:<10} {:<16} {:>8} {:<24} {:>10} {}",
                        s.sid,
                        s.tenant_slug,
                        s.pending,
                        time(s.oldest_pending_at).unwrap_or_else(|| "-".into()),
                        s.delivered,
                        s.last_error.as_deref().unwrap_or("-")
                    );
                }
            }
        }
    }
    Ok(())
}

/// The README's run command: a demo tenant with credentials, printed with a ready-to-paste curl, then serve.
async fn quickstart(config: Config) -> anyhow::Result<()> {
    const TENANT: &str = "demo";
    const NAME: &str = "quickstart";
    const REFERER: &str = "http://localhost";
    const DEMO_VIDEO_ROOM: &str = "https://meet.jit.si/classbridge-{tenant}-{lesson_id}";
    let store = app::open_store(&config).await?;
    let key = app::master_key(&config)?;
    if store.find_tenant_by_slug(TENANT).await?.is_none() {
        admin::create_tenant(&store, TENANT, "Demo School").await?;
    }
    let mut tenant = admin::tenant_by_slug(&store, TENANT).await?;
    if tenant.video_room_url.is_none() {
        // A public meeting service, so that "Enter the lesson" leads somewhere in the demo; schools set their own.
        tenant = admin::set_tenant_video_room(&store, TENANT, Some(DEMO_VIDEO_ROOM)).await?;
    }
    let video_room = tenant.video_room_url.clone().unwrap_or_default();
    let existing = store
        .list_partner_credentials(Some(tenant.id))
        .await?
        .into_iter()
        .find(|c| c.name == NAME && c.revoked_at.is_none());
    // The token is stored only as a hash, so a reused credential gets a fresh token to print.
    let (credential, token) = match existing {
        Some(credential) => admin::rotate_partner_credential(&store, credential.id.0).await?,
        None => {
            let request = PartnerCredentialRequest {
                tenant_slug: TENANT.into(),
                name: NAME.into(),
                referer: REFERER.into(),
                branch_id: None,
                rate_limit_per_minute: None,
            };
            admin::create_partner_credential(&store, &request).await?
        }
    };
    let classin = store
        .list_classin_credentials(Some(tenant.id))
        .await?
        .into_iter()
        .find(|c| c.name == NAME && c.revoked_at.is_none());
    let (sid, secret) = match classin {
        Some(existing) => (
            existing.sid,
            key.decrypt(&existing.secret_encrypted)
                .context("the ClassIn secret")?,
        ),
        None => {
            let (created, secret) =
                admin::create_classin_credential(&store, &key, TENANT, NAME, None).await?;
            (created.sid, secret)
        }
    };
    let database = config.database_url.as_deref().map_or_else(
        || format!("sqlite:{}", config.sqlite_path().display()),
        |_| "PostgreSQL".to_owned(),
    );
    let application = Application::build_with_store(config, store).await?;
    let base = format!("http://{}", application.local_addr());
    let banner = format!(
        "classbridge is running at {base}  (database: {database})\n\n\
         \x20 tenant           {TENANT}\n\
         \x20 partner token    {token}\n\
         \x20                  (credential {id}, referer {REFERER}; a new token on every quickstart)\n\
         \x20 ClassIn SID      {sid}\n\
         \x20 ClassIn SECRET   {secret}\n\
         \x20 video rooms      {video_room}\n\
         \x20                  (change with: classbridge tenant video-room {TENANT} <url template>)\n\n\
         Try it:\n\
         \x20 curl -s {base}/api/v2/me -H 'token: {token}' -H 'referer: {REFERER}' -H 'accept: application/json'\n\n\
         API reference: {base}/docs    Stop with Ctrl-C.\n",
        id = credential.id.0
    );
    // A closed stdout (a pipe whose reader went away) must not stop the server.
    let _ = std::io::Write::write_all(&mut std::io::stdout(), banner.as_bytes());
    let _ = std::io::Write::flush(&mut std::io::stdout());
    application.run_until_stopped(app::shutdown_signal()).await
}
