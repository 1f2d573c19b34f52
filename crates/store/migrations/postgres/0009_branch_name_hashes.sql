-- Re-mirrors with a few names changed: a branch also remembers a 64-bit hash of each person's name in the payload
-- last applied to it, in payload order, so that the next payload of the same structure finds whose name changed by
-- comparing hashes place by place, and reads only those people.

ALTER TABLE branches ADD COLUMN applied_names BYTEA;
