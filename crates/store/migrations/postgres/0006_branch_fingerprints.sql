-- Unchanged re-mirrors: a branch remembers the hash of the payload last applied to it and the tenant's roster
-- version at that moment. Every write to a tenant's roster outside such an apply bumps the version, so a branch
-- whose payload hash and version both match is exactly as that payload says, and can be skipped.

ALTER TABLE tenants ADD COLUMN roster_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE branches ADD COLUMN applied_sha256 TEXT;
ALTER TABLE branches ADD COLUMN applied_version BIGINT;
