-- Secondary ART indexes live in memory in full and grow with every stored event, so a long
-- ingest's memory grew with the corpus. DuckDB answers these filters from its zone maps
-- (min/max per row group) by scanning, which is fast at the sizes an analyst's store has;
-- the primary keys stay, since they guard the identity of articles and mentions.
DROP INDEX IF EXISTS events_doc_key;
DROP INDEX IF EXISTS events_event_date;
DROP INDEX IF EXISTS events_actor_code;
DROP INDEX IF EXISTS events_recipient_code;
DROP INDEX IF EXISTS events_actor_cameo;
DROP INDEX IF EXISTS events_recipient_cameo;
DROP INDEX IF EXISTS events_event;
DROP INDEX IF EXISTS events_cameo_code;
DROP INDEX IF EXISTS dedup_events_event_date;
DROP INDEX IF EXISTS dedup_events_actor_code;
DROP INDEX IF EXISTS dedup_events_recipient_code;
DROP INDEX IF EXISTS dedup_events_event;
DROP INDEX IF EXISTS dedup_events_cameo_code;
