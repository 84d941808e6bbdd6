-- The cells of a workbook's data sheet as SpreadsheetML (the XML inside an .xlsx), made in DuckDB so that no row
-- of a published table passes through Python: pipelines/excel.py writes the rest of the workbook with XlsxWriter
-- and puts these rows into each data sheet, between its header row and its end. They are the cells XlsxWriter's
-- constant-memory mode writes itself: inline strings, numbers, logical values and date serials, a style index
-- ("s") for a number or date format. Installed as temporary macros on the connection that writes a workbook.
-- A NULL value is no cell at all (every macro gives NULL for it). ref: the cell's reference, e.g. 'B17'.

-- Whether a text holds what XlsxWriter and Excel escape as _xHHHH_: control characters other than tab and line
-- feed, the non-characters U+FFFE and U+FFFF, or an _xHHHH_ of its own.
CREATE OR REPLACE MACRO xlsx_has_escapes(s) AS regexp_matches(s, '[\x00-\x08\x0b-\x1f\x{FFFE}\x{FFFF}]|_x[0-9a-fA-F]{4}_');

-- Text as XML character data: &, < and >.
CREATE OR REPLACE MACRO xlsx_xml(s) AS replace(replace(replace(s, '&', '&amp;'), '<', '&lt;'), '>', '&gt;');

-- Text as XML character data, escaped as XlsxWriter and Excel escape it: an _xHHHH_ already in the text gets its
-- underscore escaped (_x005F_xHHHH_), the characters above become _xHHHH_, then &, < and > (xlsx_xml). For the
-- columns where xlsx_has_escapes found any (it costs more to plan than xlsx_xml).
CREATE OR REPLACE MACRO xlsx_escaped(s) AS
    xlsx_xml(CASE WHEN xlsx_has_escapes(s)
                  THEN array_to_string(list_transform(
                           string_split(regexp_replace(s, '(_x[0-9a-fA-F]{4}_)', '_x005F\1', 'g'), ''),
                           lambda c: CASE WHEN regexp_matches(c, '^[\x00-\x08\x0b-\x1f\x{FFFE}\x{FFFF}]$')
                                          THEN printf('_x%04X_', unicode(c)) ELSE c END), '')
                  ELSE s END);

-- The length of a text in UTF-16 code units, as Excel counts a cell's characters (a character beyond the Basic
-- Multilingual Plane counts two).
CREATE OR REPLACE MACRO xlsx_length(s) AS
    length(s) + length(regexp_replace(s, '[\x{0}-\x{FFFF}]', '', 'g'));

-- Whether a text is longer than a cell holds (limit: Excel's 32,767 characters).
CREATE OR REPLACE MACRO xlsx_too_long(s, limit_) AS length(s) > limit_ // 2 AND xlsx_length(s) > limit_;

-- A text that fits a cell as it is; a longer one cut at a whole character so that it and the note fit.
CREATE OR REPLACE MACRO xlsx_fitted(s, limit_, note) AS
    CASE WHEN xlsx_too_long(s, limit_) THEN xlsx_cut(s, limit_ - xlsx_length(note)) || note ELSE s END;

-- The longest start of a text, in whole characters, within keep UTF-16 code units or a little less (the first
-- keep characters, less one for every character among them that counts two).
CREATE OR REPLACE MACRO xlsx_cut(s, keep) AS left(s, 2 * keep - xlsx_length(left(s, keep)));

-- A text cell (an inline string) of text s, written as escaped (xlsx_xml or xlsx_escaped of s);
-- xml:space="preserve" when s begins or ends with white space, which an XML reader would otherwise drop (the
-- control characters that white space would include are escaped by then, so they are not counted).
CREATE OR REPLACE MACRO xlsx_inline(ref, s, escaped) AS
    '<c r="' || ref || '" t="inlineStr"><is><t'
    || CASE WHEN regexp_matches(s, '^[\t\n \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]|[\t\n \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]$')
            THEN ' xml:space="preserve"' ELSE '' END
    || '>' || escaped || '</t></is></c>';

-- A text cell of text that needs no _xHHHH_ (a number written as text, say).
CREATE OR REPLACE MACRO xlsx_text(ref, s) AS xlsx_inline(ref, s, xlsx_xml(s));

-- A number cell; style: '' or ' s="<index>"' (its number format); v: the number as text.
CREATE OR REPLACE MACRO xlsx_number(ref, style, v) AS '<c r="' || ref || '"' || style || '><v>' || v || '</v></c>';

-- A whole number; from 15 digits on it is text, so that it stays exact (Excel holds 15 significant digits).
CREATE OR REPLACE MACRO xlsx_integer(ref, style, v) AS
    CASE WHEN abs(v) >= 1000000000000000 THEN xlsx_text(ref, v::VARCHAR)
         ELSE xlsx_number(ref, style, v::VARCHAR) END;

-- A DECIMAL: a number with its value as a double, or text from 15 digits before the decimal point on.
CREATE OR REPLACE MACRO xlsx_decimal(ref, style, v) AS
    CASE WHEN abs(v) >= 1000000000000000 THEN xlsx_text(ref, v::VARCHAR)
         ELSE xlsx_number(ref, style, v::DOUBLE::VARCHAR) END;

-- A double (the shortest text that reads back as the same double); NaN and infinities, which Excel has no
-- number for, as the text nan, inf, -inf.
CREATE OR REPLACE MACRO xlsx_double(ref, style, v) AS
    CASE WHEN isnan(v::DOUBLE) THEN xlsx_text(ref, 'nan')
         WHEN isinf(v::DOUBLE) THEN xlsx_text(ref, CASE WHEN v > 0 THEN 'inf' ELSE '-inf' END)
         ELSE xlsx_number(ref, style, v::DOUBLE::VARCHAR) END;

-- A logical value (SANT/FALSKT in Swedish Excel).
CREATE OR REPLACE MACRO xlsx_boolean(ref, v) AS
    '<c r="' || ref || '" t="b"><v>' || CASE WHEN v THEN '1' ELSE '0' END || '</v></c>';

-- An Excel date serial: days since 1899-12-31 counted as Excel counts them, with its 29 February 1900 (a day that
-- never was: from 1 March 1900 on every serial is one more).
CREATE OR REPLACE MACRO xlsx_serial_day(d) AS
    (d - DATE '1899-12-31') + CASE WHEN d >= DATE '1900-03-01' THEN 1 ELSE 0 END;

-- A date (style: the date format); before 1900, which Excel's dates do not reach, the ISO text.
CREATE OR REPLACE MACRO xlsx_date(ref, style, v) AS
    CASE WHEN v >= DATE '1900-01-01' THEN xlsx_number(ref, style, xlsx_serial_day(v)::VARCHAR)
         ELSE xlsx_text(ref, strftime(v, '%Y-%m-%d')) END;

-- Days and the fraction of the day since 1899-12-31, as XlsxWriter computes them (the same operations on doubles).
CREATE OR REPLACE MACRO xlsx_day_time(v) AS
    (v::DATE - DATE '1899-12-31')
    + ((epoch_us(v) - epoch_us(v::DATE::TIMESTAMP)) // 1000000
       + ((epoch_us(v) - epoch_us(v::DATE::TIMESTAMP)) % 1000000) / 1e6) / 86400;

-- XlsxWriter's serial of a date and time: 1900-01-01 is day 0, and one more after Excel's 29 February 1900.
CREATE OR REPLACE MACRO xlsx_serial_time(t, first_day) AS
    (t - CASE WHEN first_day THEN 1 ELSE 0 END) + CASE WHEN (t - CASE WHEN first_day THEN 1 ELSE 0 END) > 59 THEN 1 ELSE 0 END;

-- A date and time (a TIMESTAMP, a time zone's already turned into Swedish time); before 1900 the ISO text.
CREATE OR REPLACE MACRO xlsx_timestamp(ref, style, v) AS
    CASE WHEN v >= TIMESTAMP '1900-01-01'
         THEN xlsx_number(ref, style, xlsx_serial_time(xlsx_day_time(v), v::DATE = DATE '1900-01-01')::VARCHAR)
         ELSE xlsx_text(ref, strftime(v, '%Y-%m-%d %H:%M:%S')
                             || CASE WHEN microsecond(v) % 1000000 <> 0
                                     THEN '.' || lpad((microsecond(v) % 1000000)::VARCHAR, 6, '0') ELSE '' END) END;
