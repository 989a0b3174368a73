-- The lägesbild's speed (issue 5): "who has reported" counts, for every
-- reporting organisation, the days with incidents in the period, over all
-- incidents of the period. With the organisation and classification beside
-- the time, the index answers that alone, without reading each row.
-- Equivalent to ../sqlite/0007_lagesbild_speed.sql.

CREATE INDEX incidents_time_org ON incidents(occurred_at, organisation_id, classification);
