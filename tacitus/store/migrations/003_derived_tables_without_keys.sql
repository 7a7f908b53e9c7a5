-- 003: the deduplicated tables without primary keys or indexes.
-- dedup_events and event_mentions are derived: tacitus.store.dedup rebuilds both from scratch,
-- in one transaction, after every run, and their keys are unique by construction (an event's
-- id is a hash of its root mention; a mention is linked once). Their ART indexes, though, had
-- to be built whole in that transaction's memory, so the rebuild's memory grew with the
-- store; the rebuild runs under a memory limit of its own and would have failed on a large
-- one. Without them DuckDB finds an event or its mentions by scanning, which its zone maps and
-- the narrow event_mentions table keep fast. DuckDB cannot drop a primary key, hence the copy.

DROP INDEX IF EXISTS event_mentions_global_event_id;
ALTER TABLE event_mentions RENAME TO event_mentions_002;
ALTER TABLE dedup_events RENAME TO dedup_events_002;

CREATE TABLE dedup_events (
    global_event_id BIGINT NOT NULL,
    root_mention_id VARCHAR NOT NULL,
    event_date DATE,
    actor_code VARCHAR,
    actor_sector VARCHAR,
    actor_cameo VARCHAR,
    actor_name VARCHAR,
    recipient_code VARCHAR,
    recipient_sector VARCHAR,
    recipient_cameo VARCHAR,
    recipient_name VARCHAR,
    event VARCHAR,
    mode VARCHAR,
    cameo_code VARCHAR NOT NULL,
    cameo_base VARCHAR NOT NULL,
    cameo_root VARCHAR NOT NULL,
    modality VARCHAR NOT NULL,
    quad_class INTEGER,
    goldstein DOUBLE,
    avg_goldstein DOUBLE,
    is_root_event BOOLEAN NOT NULL,
    num_mentions INTEGER NOT NULL,
    num_sources INTEGER NOT NULL,
    num_articles INTEGER NOT NULL,
    first_doc_key VARCHAR NOT NULL,
    first_url VARCHAR,
    first_outlet VARCHAR,
    first_published DATE,
    date_added TIMESTAMP NOT NULL,
    place JSON
);

CREATE TABLE event_mentions (
    mention_id VARCHAR NOT NULL,
    global_event_id BIGINT NOT NULL,
    doc_key VARCHAR NOT NULL,
    is_root_mention BOOLEAN NOT NULL,
    in_lead BOOLEAN NOT NULL
);

INSERT INTO dedup_events SELECT * FROM dedup_events_002;
INSERT INTO event_mentions SELECT * FROM event_mentions_002;
DROP TABLE dedup_events_002;
DROP TABLE event_mentions_002;
