-- 001: the first Tacitus store.
-- Articles and the event mentions coded from them are the facts; dedup_events and
-- event_mentions are derived from them (rebuilt by tacitus.store.dedup after every ingest);
-- rejects and runs record what happened along the way. docs/schema.md explains every column.

CREATE SEQUENCE run_id_seq START 1;

CREATE TABLE runs (
    run_id INTEGER PRIMARY KEY DEFAULT nextval('run_id_seq'),
    kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    paths VARCHAR[] NOT NULL,
    workers INTEGER NOT NULL,
    documents_read BIGINT,
    documents_coded BIGINT,
    documents_skipped BIGINT,
    documents_rejected BIGINT,
    events_written BIGINT
);

CREATE TABLE articles (
    doc_key VARCHAR PRIMARY KEY,
    id VARCHAR NOT NULL,
    url VARCHAR,
    outlet VARCHAR,
    title VARCHAR,
    published DATE,
    source_file VARCHAR,
    position VARCHAR,
    text VARCHAR NOT NULL,
    text_hash VARCHAR NOT NULL,
    coded_at TIMESTAMP NOT NULL,
    coder_version VARCHAR NOT NULL,
    run_id INTEGER
);

CREATE TABLE events (
    mention_id VARCHAR PRIMARY KEY,
    doc_key VARCHAR NOT NULL,
    id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    date VARCHAR,
    date_source VARCHAR,
    event_date DATE,
    event VARCHAR,
    mode VARCHAR,
    context VARCHAR[] NOT NULL,
    actor STRUCT(code VARCHAR, sector VARCHAR, cameo VARCHAR, text VARCHAR, "start" INTEGER, "end" INTEGER)[] NOT NULL,
    recipient STRUCT(code VARCHAR, sector VARCHAR, cameo VARCHAR, text VARCHAR, "start" INTEGER, "end" INTEGER)[] NOT NULL,
    claimed_by STRUCT(code VARCHAR, sector VARCHAR, cameo VARCHAR, text VARCHAR, "start" INTEGER, "end" INTEGER)[] NOT NULL,
    actor_code VARCHAR,
    actor_sector VARCHAR,
    actor_cameo VARCHAR,
    recipient_code VARCHAR,
    recipient_sector VARCHAR,
    recipient_cameo VARCHAR,
    cameo_code VARCHAR NOT NULL,
    cameo_base VARCHAR NOT NULL,
    cameo_root VARCHAR NOT NULL,
    goldstein DOUBLE,
    quad_class INTEGER,
    sentence_index INTEGER NOT NULL,
    sentence_text VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    event_text VARCHAR NOT NULL,
    event_start INTEGER NOT NULL,
    event_end INTEGER NOT NULL,
    rule VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL,
    evidence VARCHAR NOT NULL,
    modality VARCHAR NOT NULL,
    place JSON,
    explain VARCHAR[] NOT NULL,
    coded_at TIMESTAMP NOT NULL
);

CREATE INDEX events_doc_key ON events (doc_key);
CREATE INDEX events_event_date ON events (event_date);
CREATE INDEX events_actor_code ON events (actor_code);
CREATE INDEX events_recipient_code ON events (recipient_code);
CREATE INDEX events_actor_cameo ON events (actor_cameo);
CREATE INDEX events_recipient_cameo ON events (recipient_cameo);
CREATE INDEX events_event ON events (event);
CREATE INDEX events_cameo_code ON events (cameo_code);

CREATE TABLE dedup_events (
    global_event_id BIGINT PRIMARY KEY,
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

CREATE INDEX dedup_events_event_date ON dedup_events (event_date);
CREATE INDEX dedup_events_actor_code ON dedup_events (actor_code);
CREATE INDEX dedup_events_recipient_code ON dedup_events (recipient_code);
CREATE INDEX dedup_events_event ON dedup_events (event);
CREATE INDEX dedup_events_cameo_code ON dedup_events (cameo_code);

CREATE TABLE event_mentions (
    mention_id VARCHAR PRIMARY KEY,
    global_event_id BIGINT NOT NULL,
    doc_key VARCHAR NOT NULL,
    is_root_mention BOOLEAN NOT NULL,
    in_lead BOOLEAN NOT NULL
);

CREATE INDEX event_mentions_global_event_id ON event_mentions (global_event_id);

CREATE TABLE rejects (
    file VARCHAR NOT NULL,
    position VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    doc_id VARCHAR,
    seen_at TIMESTAMP NOT NULL,
    run_id INTEGER,
    PRIMARY KEY (file, position, reason)
);

-- Every coded actor, as source or target, with how often it appears. A view, so it can never
-- disagree with the events it counts.
CREATE VIEW actors AS
WITH roles AS (
    SELECT unnest(actor) AS ref, 'source' AS role, event_date FROM events
    UNION ALL
    SELECT unnest(recipient) AS ref, 'target' AS role, event_date FROM events
)
SELECT
    ref.cameo AS cameo,
    ref.code AS code,
    ref.sector AS sector,
    count(*) FILTER (WHERE role = 'source') AS as_source,
    count(*) FILTER (WHERE role = 'target') AS as_target,
    count(*) AS mentions,
    min(event_date) AS first_date,
    max(event_date) AS last_date
FROM roles
GROUP BY ref.cameo, ref.code, ref.sector;
