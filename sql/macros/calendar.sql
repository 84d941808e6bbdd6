-- Macros of the working-time calendar: Swedish holidays and the ordinary working time of a full-time employee.

-- Easter Sunday of year y (the anonymous Gregorian computus: Meeus, Astronomical Algorithms, 2nd ed. 1998,
-- chapter 8), in steps: easter_h and easter_l are the algorithm's h and l, easter_m its m.
CREATE OR REPLACE MACRO easter_h(y) AS
    (19 * (y % 19) + y // 100 - (y // 100) // 4 - ((y // 100) - ((y // 100) + 8) // 25 + 1) // 3 + 15) % 30;
CREATE OR REPLACE MACRO easter_l(y) AS
    (32 + 2 * ((y // 100) % 4) + 2 * ((y % 100) // 4) - easter_h(y) - (y % 100) % 4) % 7;
CREATE OR REPLACE MACRO easter_m(y) AS ((y % 19) + 11 * easter_h(y) + 22 * easter_l(y)) // 451;
CREATE OR REPLACE MACRO easter_sunday(y) AS
    make_date(y::BIGINT, ((easter_h(y) + easter_l(y) - 7 * easter_m(y) + 114) // 31)::BIGINT,
              ((easter_h(y) + easter_l(y) - 7 * easter_m(y) + 114) % 31 + 1)::BIGINT);

-- The weekdays of year y that are not working days for a full-time employee in a region: the public holidays
-- that can fall on a weekday (lag 1989:253 om allmänna helgdagar: nyårsdagen, trettondedag jul, långfredagen,
-- annandag påsk, första maj, Kristi himmelsfärdsdag, nationaldagen, juldagen, annandag jul) and the eves the
-- regions' collective agreement, Allmänna bestämmelser (AB), treats as holidays and that fall on a weekday
-- (midsommarafton, julafton, nyårsafton; påskafton and pingstafton are Saturdays).
CREATE OR REPLACE MACRO swedish_days_off(y) AS [
    make_date(y::BIGINT, 1, 1), make_date(y::BIGINT, 1, 6),
    (easter_sunday(y) - INTERVAL 2 DAY)::DATE, (easter_sunday(y) + INTERVAL 1 DAY)::DATE,
    make_date(y::BIGINT, 5, 1), (easter_sunday(y) + INTERVAL 39 DAY)::DATE, make_date(y::BIGINT, 6, 6),
    -- midsommarafton: the Friday between 19 and 25 June
    (make_date(y::BIGINT, 6, 19) + INTERVAL ((5 - isodow(make_date(y::BIGINT, 6, 19)) + 7) % 7) DAY)::DATE,
    make_date(y::BIGINT, 12, 24), make_date(y::BIGINT, 12, 25), make_date(y::BIGINT, 12, 26),
    make_date(y::BIGINT, 12, 31)];

-- ordinary_full_time_hours(period): the ordinary working time of a full-time employee in a month
-- ('YYYY-MM'): 40 hours a holiday-free week, AB's ordinary working time for day work (and the most that
-- arbetstidslagen 5 § allows), that is 8 hours on every weekday that is not a day off above.
CREATE OR REPLACE MACRO ordinary_full_time_hours(period) AS (
    SELECT 8 * count(*)
    FROM (SELECT unnest(generate_series(strptime(period || '-01', '%Y-%m-%d')::DATE,
                                        last_day(strptime(period || '-01', '%Y-%m-%d')::DATE),
                                        INTERVAL 1 DAY))::DATE AS day)
    WHERE isodow(day) <= 5 AND NOT list_contains(swedish_days_off(year(day)), day));
