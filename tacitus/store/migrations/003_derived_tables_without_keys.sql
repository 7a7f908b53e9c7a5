-- 003: the deduplicated tables without primary keys or indexes.
-- dedup_events and event_mentions are derived: tacitus.store.dedup rebuilds both from scratch,
-- in one transaction, after every run, and their keys are unique by construction (an event's
-- id is a hash of its root mention; a mention is linked once). Their ART indexes, though, had
-- to be built whole in that transaction's memory, so the rebuild's memory grew with the store;
-- the rebuild runs under a memory limit of its own and would have failed on a large one.
-- Without them DuckDB finds an event or its mentions by scanning, which its zone maps and the
-- narrow event_mentions table keep fast. DuckDB cannot drop a primary key, hence the copy
-- (which keeps the columns' types and order but not their NOT NULLs, so these are set again).

DROP INDEX IF EXISTS event_mentions_global_event_id;
ALTER TABLE event_mentions RENAME TO event_mentions_002;
ALTER TABLE dedup_events RENAME TO dedup_events_002;
CREATE TABLE dedup_events AS FROM dedup_events_002;
CREATE TABLE event_mentions AS FROM event_mentions_002;
DROP TABLE dedup_events_002;
DROP TABLE event_mentions_002;
ALTER TABLE dedup_events ALTER COLUMN global_event_id SET NOT NULL;
ALTER TABLE dedup_events ALTER COLUMN root_mention_id SET NOT NULL;
ALTER TABLE dedup_events ALTER COLUMN cameo_code SET NOT NULL;
ALTER TABLE dedup_events ALTER COLUMN cameo_base SET NOT NULL;
ALTER TABLE dedup_events ALTER COLUMN cameo_root SET NOT NULL;
ALTER TABLE dedup_events ALTER COLUMN modality SET NOT NULL;
ALTER TABLE dedup_events ALTER COLUMN is_root_event SET NOT NULL;
ALTER TABLE dedup_events ALTER COLUMN num_mentions SET NOT NULL;
ALTER TABLE dedup_events ALTER COLUMN num_sources SET NOT NULL;
ALTER TABLE dedup_events ALTER COLUMN num_articles SET NOT NULL;
ALTER TABLE dedup_events ALTER COLUMN first_doc_key SET NOT NULL;
ALTER TABLE dedup_events ALTER COLUMN date_added SET NOT NULL;
ALTER TABLE event_mentions ALTER COLUMN mention_id SET NOT NULL;
ALTER TABLE event_mentions ALTER COLUMN global_event_id SET NOT NULL;
ALTER TABLE event_mentions ALTER COLUMN doc_key SET NOT NULL;
ALTER TABLE event_mentions ALTER COLUMN is_root_mention SET NOT NULL;
ALTER TABLE event_mentions ALTER COLUMN in_lead SET NOT NULL;
