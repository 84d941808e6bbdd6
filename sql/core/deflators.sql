-- core.deflators: the price index per year, the latest delivery of each year (rows with a finding held out), with its source as the file names it; price_year is the latest year of the index, whose prices the fixed-price cost indicators are in (a value in fixed prices = the value x price_year_index / price_index of its own year).
SELECT year, price_index::DOUBLE AS price_index, index_source, max(year) OVER () AS price_year,
       arg_max(price_index::DOUBLE, year) OVER () AS price_year_index, synthetic, source_file
FROM staging.deflators
WHERE finding IS NULL AND latest
ORDER BY year
