-- Issue 13: branch-scoped credentials. Groups and mirror jobs are tagged with the branch (the partner's id) of the
-- credential that made them; NULL: made by a tenant-wide credential. A branch-scoped credential sees and changes only
-- its branch's groups and reads only its branch's jobs.

ALTER TABLE user_groups ADD COLUMN branch_partner_id BIGINT;
ALTER TABLE jobs ADD COLUMN branch_partner_id BIGINT;
