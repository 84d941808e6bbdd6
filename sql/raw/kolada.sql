-- Raw Kolada: every page file (API v3 or v2) as delivered. One row per value and gender of a data page,
-- one row per KPI of a metadata page; JSON tokens kept as text, every row stamped with its file, the
-- file's sha256, its place in the page and the load run. Earlier versions of a file stay for lineage.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE SEQUENCE IF NOT EXISTS raw.kolada_file_version_seq START 1;

CREATE TABLE IF NOT EXISTS raw.kolada_files (
    file_version_id  BIGINT PRIMARY KEY,   -- load order: for the same KPI, area, period and sex the later wins
    source_file      VARCHAR NOT NULL,     -- path relative to <landing>/kolada/
    sha256           VARCHAR NOT NULL,
    size_bytes       BIGINT NOT NULL,
    modified_at      TIMESTAMP NOT NULL,
    format           VARCHAR NOT NULL,     -- kolada_v3 (next_url), kolada_v2 (next_page), kolada (the page names neither)
    page_kind        VARCHAR NOT NULL,     -- data (values), kpi (KPI metadata) or empty (no items)
    stated_count     BIGINT,               -- the page's own "count"
    item_count       BIGINT NOT NULL,      -- items in the page's "values"
    row_count        BIGINT NOT NULL,      -- rows written to raw.kolada_values or raw.kolada_kpis
    next_page        VARCHAR,              -- next_url (v3) or next_page (v2): the API has more pages
    previous_page    VARCHAR,              -- previous_url (v3) or previous_page (v2)
    load_run         VARCHAR NOT NULL,
    loaded_at        TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.kolada_values (
    file_version_id  BIGINT NOT NULL,
    source_file      VARCHAR NOT NULL,
    source_sha256    VARCHAR NOT NULL,
    source_item      INTEGER NOT NULL,     -- position in the page's "values", from 1
    source_entry     INTEGER NOT NULL,     -- position in the item's own "values" (one per gender), from 1
    load_run         VARCHAR NOT NULL,
    kpi              VARCHAR NOT NULL,     -- e.g. N70845
    municipality     VARCHAR NOT NULL,     -- Kolada's id: "0000" Riket, "0019" Region Västmanland, "1980" Västerås
    period           VARCHAR NOT NULL,     -- the year, as delivered (number or text)
    gender           VARCHAR NOT NULL,     -- T, K, M
    value            VARCHAR,              -- the number as delivered; NULL where Kolada wrote null
    status           VARCHAR,              -- "" or e.g. "Missing"
    kolada_count     VARCHAR               -- Kolada's "count": members behind the value (1 for a single area)
);
-- A value Kolada has removed, marked in pages asked with from_date ("isdeleted" in v3, "is_deleted" in v2),
-- as delivered: true/false or 1/0; NULL where the page does not say. Added to warehouses made before it.
ALTER TABLE raw.kolada_values ADD COLUMN IF NOT EXISTS deleted VARCHAR;

CREATE TABLE IF NOT EXISTS raw.kolada_kpis (
    file_version_id       BIGINT NOT NULL,
    source_file           VARCHAR NOT NULL,
    source_sha256         VARCHAR NOT NULL,
    source_item           INTEGER NOT NULL,
    load_run              VARCHAR NOT NULL,
    id                    VARCHAR NOT NULL,
    title                 VARCHAR NOT NULL,
    description           VARCHAR,
    operating_area        VARCHAR,
    municipality_type     VARCHAR,           -- L: regions, K: municipalities, A: both
    is_divided_by_gender  VARCHAR,           -- true/false (v3) or 1/0 (v2), as delivered
    attributes            JSON NOT NULL      -- the whole item, so nothing Kolada sent is lost
);
