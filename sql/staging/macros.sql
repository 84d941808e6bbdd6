-- Parsing and privacy helpers used by the regional sources' ingest and staging SQL.

-- Swedish exports write decimal commas and may group thousands with (no-break) spaces. A number is
-- written out in full: NaN, Inf and scientific notation such as Excel's 1,5E+06 (a number already
-- rounded to a few digits) are not numbers here, so the rows holding them are held out with their
-- rule. One exception: DuckDB itself writes a Parquet double below 0.0001 as 1e-05, and such a value
-- is read as the number it is. (String functions only, no regular expression: they run on every value.)
CREATE OR REPLACE MACRO digits_only(v) AS
    replace(replace(replace(replace(trim(v), ' ', ''), chr(160), ''), chr(8239), ''), chr(9), '');
CREATE OR REPLACE MACRO parse_decimal(v) AS
    CASE WHEN NOT isfinite(TRY_CAST(replace(digits_only(v), ',', '.') AS DOUBLE)) THEN NULL
         WHEN contains(lower(v), 'e') AND NOT abs(TRY_CAST(replace(digits_only(v), ',', '.') AS DOUBLE)) < 0.0001
             THEN NULL
         ELSE TRY_CAST(replace(digits_only(v), ',', '.') AS DOUBLE)
    END;
-- A whole number; '12.0' or '12,0' too (a count a Parquet file holds as a double, as pandas writes
-- an integer column with a missing value).
CREATE OR REPLACE MACRO parse_integer(v) AS
    CASE WHEN regexp_full_match(digits_only(v), '-?[0-9]{1,15}([.,]0+)?')
         THEN CAST(split_part(replace(digits_only(v), ',', '.'), '.', 1) AS BIGINT) END;
CREATE OR REPLACE MACRO parse_date(v) AS TRY_CAST(trim(v) AS DATE);
CREATE OR REPLACE MACRO parse_flag(v) AS
    CASE WHEN lower(trim(v)) IN ('j', 'ja', '1', 'true', 'y', 'yes') THEN true
         WHEN lower(trim(v)) IN ('n', 'nej', '0', 'false', 'no') THEN false END;
-- 'YYYY-MM', 'YYYYMM' or a date -> 'YYYY-MM' (months 01..12 only; anything else NULL)
CREATE OR REPLACE MACRO normalise_month(v) AS
    CASE WHEN regexp_full_match(trim(v), '\d{4}-?(0[1-9]|1[0-2])(-\d{2})?')
         THEN substr(replace(trim(v), '-', ''), 1, 4) || '-' || substr(replace(trim(v), '-', ''), 5, 2) END;
CREATE OR REPLACE MACRO normalise_day(v) AS strftime(TRY_CAST(trim(v) AS DATE), '%Y-%m-%d');
CREATE OR REPLACE MACRO is_blank(v) AS v IS NULL OR trim(v) = '';

-- Personal identity numbers (personnummer) and coordination numbers (samordningsnummer) in every
-- form Swedish systems and people write them (pipelines/privacy.py says which and why; the
-- Python side reads this pattern from here, so there is one definition):
--   (century 18, 19 or 20) year, month 01-12, day 01-31 or 61-91 (coordination number: day + 60),
--   then '-', '+', a dash (en dash, em dash, minus sign ...), a space, a no-break space, or nothing,
--   then the birth number and the check digit (four digits). The check digit is not checked: a
--   mistyped identity number is still one.
CREATE OR REPLACE MACRO personnummer_pattern() AS
    '(?:(?:18|19|20)[0-9]{2}|[0-9]{2})(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])[   ]?[-+‐‑‒–—―−]?[   ]?[0-9]{4}';
-- Every form holds six digits in a row (the birth date): a value without them cannot be one, and
-- that plain scan is all most values meet (measured: cheaper than counting digits with translate).
CREATE OR REPLACE MACRO may_hold_personnummer(v) AS length(v) >= 10 AND regexp_matches(v, '[0-9]{6}');
-- The whole value is one (also as a Parquet double or decimal writes it: 198111112361.0).
CREATE OR REPLACE MACRO looks_like_personnummer(v) AS
    may_hold_personnummer(v) AND regexp_full_match(trim(v), personnummer_pattern() || '(?:\.0+)?');
-- The value holds one somewhere (not inside a longer run of digits).
CREATE OR REPLACE MACRO contains_personnummer(v) AS
    may_hold_personnummer(v) AND regexp_matches(v, '(?:^|[^0-9])' || personnummer_pattern() || '(?:[^0-9]|$)');
-- The keyed pseudonym of an identity number: 'P' + the first 16 hex digits of SHA-256(key ':' the
-- last ten digits), hex digits 0-9 written as g-p so that a pseudonym never looks like a number.
-- Every form of the same number (10 or 12 digits, any separator) gets the same pseudonym. (v is a
-- whole identity number: digits and separators, perhaps with '.0' after it. A regular expression
-- takes the digits: translate over the separators, dashes among them, measured slower.)
CREATE OR REPLACE MACRO pseudonym(v, secret) AS
    'P' || translate(left(sha256(secret || ':' || right(regexp_replace(split_part(trim(v), '.', 1), '[^0-9]', '', 'g'), 10)),
                          16),
                     '0123456789', 'ghijklmnop');
-- Text that holds identity numbers, with each masked (twice: two numbers side by side share a boundary).
CREATE OR REPLACE MACRO mask_personnummer(v) AS
    regexp_replace(regexp_replace(v, '(^|[^0-9])' || personnummer_pattern() || '([^0-9]|$)', '\1[personnummer]\2', 'g'),
                   '(^|[^0-9])' || personnummer_pattern() || '([^0-9]|$)', '\1[personnummer]\2', 'g');
-- Every delivered value passes here as it is read: a value that is an identity number becomes its
-- pseudonym; text that holds one has it masked. Values shorter than ten characters, or without six
-- digits in a row, are passed on at once.
CREATE OR REPLACE MACRO deidentify(v, secret) AS
    CASE
        WHEN v IS NULL OR NOT may_hold_personnummer(v) THEN v
        WHEN regexp_full_match(trim(v), personnummer_pattern() || '(?:\.0+)?') THEN pseudonym(v, secret)
        WHEN regexp_matches(v, '(?:^|[^0-9])' || personnummer_pattern() || '(?:[^0-9]|$)') THEN mask_personnummer(v)
        ELSE v
    END;

-- Whether a row's period (a month or a day) lies in the period its file's name gives (personal_2024-03.csv:
-- March 2024; vardplatslage_2024-03-05.csv: that day): true when the name gives none, NULL when the row has no
-- period (another rule judges that). The name's period comes from raw.regional_files.named_period.
CREATE OR REPLACE MACRO in_named_period(period, named) AS
    CASE WHEN period IS NULL THEN NULL WHEN named IS NULL THEN true
         ELSE starts_with(period, named) OR starts_with(named, period) END;

-- in_scope(period): whether a period lies within the partitions a build computes now (between the first and
-- the last; a build of every partition: always). Rows without a period are always in: they have a partition of
-- their own. DuckDB folds the variables into constants, so the scan skips row groups outside.
-- scope_from(n): n months before the first partition built ('' when it builds every partition): what a
-- relation that looks back reads from. The build sets scope_lo and scope_hi (pipelines/incremental.py).
CREATE OR REPLACE MACRO in_scope(period) AS
    period IS NULL OR (period >= coalesce(getvariable('scope_lo'), '') AND period < coalesce(getvariable('scope_hi'), '~'));
CREATE OR REPLACE MACRO scope_from(n) AS
    CASE WHEN coalesce(getvariable('scope_lo'), '') = '' THEN ''
         ELSE strftime(strptime(left(getvariable('scope_lo') || '-01-01', 7) || '-01', '%Y-%m-%d') - to_months(n),
                       '%Y-%m') END;
