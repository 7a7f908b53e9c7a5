-- 004: articles and events without primary keys.
-- DuckDB checks a primary key against an ART index that it holds in memory whole, so every
-- batch a run wrote loaded an index of all stored articles and all stored mentions, and the
-- run's memory grew with the store (about 10 MiB by 40,000 documents; an index must also fit
-- in memory, which a store of millions of articles would not). The keys stay unique without
-- it: the write path takes a batch's keys that are already stored out of it, inside the
-- batch's transaction, and DuckDB lets one process write at a time (tacitus.store.db). The
-- `actors` view reads events by name, so it needs no change. As in 003, DuckDB cannot drop a
-- primary key, hence the copy, and the NOT NULLs the copy loses are set again.

ALTER TABLE articles RENAME TO articles_003;
CREATE TABLE articles AS FROM articles_003;
DROP TABLE articles_003;
ALTER TABLE articles ALTER COLUMN doc_key SET NOT NULL;
ALTER TABLE articles ALTER COLUMN id SET NOT NULL;
ALTER TABLE articles ALTER COLUMN text SET NOT NULL;
ALTER TABLE articles ALTER COLUMN text_hash SET NOT NULL;
ALTER TABLE articles ALTER COLUMN coded_at SET NOT NULL;
ALTER TABLE articles ALTER COLUMN coder_version SET NOT NULL;

ALTER TABLE events RENAME TO events_003;
CREATE TABLE events AS FROM events_003;
DROP TABLE events_003;
ALTER TABLE events ALTER COLUMN mention_id SET NOT NULL;
ALTER TABLE events ALTER COLUMN doc_key SET NOT NULL;
ALTER TABLE events ALTER COLUMN id SET NOT NULL;
ALTER TABLE events ALTER COLUMN doc_id SET NOT NULL;
ALTER TABLE events ALTER COLUMN context SET NOT NULL;
ALTER TABLE events ALTER COLUMN actor SET NOT NULL;
ALTER TABLE events ALTER COLUMN recipient SET NOT NULL;
ALTER TABLE events ALTER COLUMN claimed_by SET NOT NULL;
ALTER TABLE events ALTER COLUMN cameo_code SET NOT NULL;
ALTER TABLE events ALTER COLUMN cameo_base SET NOT NULL;
ALTER TABLE events ALTER COLUMN cameo_root SET NOT NULL;
ALTER TABLE events ALTER COLUMN sentence_index SET NOT NULL;
ALTER TABLE events ALTER COLUMN sentence_text SET NOT NULL;
ALTER TABLE events ALTER COLUMN sentence_start SET NOT NULL;
ALTER TABLE events ALTER COLUMN event_text SET NOT NULL;
ALTER TABLE events ALTER COLUMN event_start SET NOT NULL;
ALTER TABLE events ALTER COLUMN event_end SET NOT NULL;
ALTER TABLE events ALTER COLUMN rule SET NOT NULL;
ALTER TABLE events ALTER COLUMN confidence SET NOT NULL;
ALTER TABLE events ALTER COLUMN evidence SET NOT NULL;
ALTER TABLE events ALTER COLUMN modality SET NOT NULL;
ALTER TABLE events ALTER COLUMN explain SET NOT NULL;
ALTER TABLE events ALTER COLUMN coded_at SET NOT NULL;
