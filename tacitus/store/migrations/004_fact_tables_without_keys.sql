-- 004: articles and events without primary keys.
-- These were dropped to keep DuckDB from holding their ART indexes in memory as the store
-- grew. Measured later (005), DuckDB 2.0 loads only the parts of an index that a lookup or an
-- insert needs, so articles got its key back as a unique index in 005, which the write path's
-- key lookup uses. Mention ids stay unique without one: a mention's id is its article's key
-- and its position, and the write path stores an article's events only with the article.
-- The `actors` view reads events by name, so it needs no change. As in 003, DuckDB cannot
-- drop a primary key, hence the copy, and the NOT NULLs the copy loses are set again.

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
