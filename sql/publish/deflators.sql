-- The price index the region delivers (deflators/, e.g. SKR's prisindex för regioner, PIR), per year, with the source each row names: the fixed-price cost indicators (indicators ending _fixed_prices) are in the prices of price_year, the index's latest year. Empty when no index is delivered (the cost indicators are then in current prices only).
-- year: the year the index is for
-- price_index: the index as delivered (a price level; any base)
-- index_source: where the index comes from, as the file names it
-- price_year: the latest year of the index: the fixed-price indicators are in its prices
-- price_year_index: the index of price_year (a value in fixed prices = the value x price_year_index / price_index of its own year)
-- synthetic: true when the row is marked synthetic (datakälla SYNTETISK)
-- source_file: the delivered file the row comes from
SELECT year, price_index, index_source, price_year, price_year_index, synthetic, source_file
FROM core.deflators ORDER BY year
