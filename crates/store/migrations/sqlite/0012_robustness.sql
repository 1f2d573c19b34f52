-- Issue 14 (robustness). `write_probe`: one row that `/readyz` rewrites, so that readiness fails while the database
-- cannot take a write (a full disk, a read-only file). `rate_limit_windows`: per credential and minute, the calls
-- every node of the deployment has taken, so that one credential's limit holds across nodes.
CREATE TABLE write_probe (
    id INTEGER PRIMARY KEY,
    probed_at BIGINT NOT NULL
);

CREATE TABLE rate_limit_windows (
    credential_id BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    taken BIGINT NOT NULL,
    PRIMARY KEY (credential_id, window_start)
);
