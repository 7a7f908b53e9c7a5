-- 006: deduplication kept up to date batch by batch, instead of rebuilt after every run.
-- The rebuild read every stored mention after every run, however few the run added: its time
-- grew with the store, and its memory with it (it was the run's peak on large stores). Now
-- each batch re-clusters only the dedup units its mentions fall in (tacitus.store.dedup).
--
-- A unit is the smallest set of mentions whose clustering does not depend on any other: with
-- a window of one day, one group's (source, target, base code, modality) mentions of one day;
-- with a longer window, the whole group; an undated mention, which stands alone, is a unit by
-- itself. `dedup_unit` is a hash naming it, kept on the mentions and on both derived tables,
-- and indexed, so that a batch finds its units' rows by index lookups rather than by scanning
-- the store.
--
-- The hash depends on the window, so the store records the settings its derived tables were
-- built with (`dedup_settings`, one row). Until it has that row (a new store, or one migrated
-- from an earlier version) the first writing open rebuilds the derived tables whole with the
-- default settings, computing every mention's unit, and records them.

ALTER TABLE events ADD COLUMN dedup_unit BIGINT;
ALTER TABLE dedup_events ADD COLUMN dedup_unit BIGINT;
ALTER TABLE event_mentions ADD COLUMN dedup_unit BIGINT;

CREATE TABLE dedup_settings (
    window_days INTEGER NOT NULL,
    lead_sentences INTEGER NOT NULL
);

CREATE INDEX events_dedup_unit ON events (dedup_unit);
CREATE INDEX dedup_events_dedup_unit ON dedup_events (dedup_unit);
CREATE INDEX event_mentions_dedup_unit ON event_mentions (dedup_unit);
