-- Finalise the family rows into the measures table (docs/architecture.md, docs/measures.md).
-- design.md section 6: "All rates round half up (not banker's rounding) to 1 dp. A zero denominator
-- gives [U], never 0 or an error."
--
-- 1. scaffold: every headline measure (measure_catalogue) has a breakdown 'none' row in every period,
--    so an empty month shows 0 complaints or [U], never a missing line; and a measure given by
--    country (breakdown 'regime') has a row for each of its countries in every period, so a month
--    without a case in one country reads 0 or [U] (a zero denominator) too, as the whole
--    landlord's month does;
-- 2. trend: month and quarter rows (breakdown 'none') are repeated on their year as breakdown 'month'
--    ('2024-04') and 'quarter' ('Q1');
-- 3. value: percent = numerator / denominator x 100, per_1000 x 1000, wd = mean; count and gbp =
--    numerator; a value given by the family (median, margin of error, flag) is kept;
-- 4. display: rounded half up (round_half_up macro, pipeline/rounding.py), '[U]' when no value.
--
-- A period that begins after the data cut gets no row at all, from the families or the scaffold:
-- the exports hold nothing after the cut (later dates are quarantined), so its 0 complaints and
-- 0 open stages would be false figures, and a document reads "not available" where a measure
-- has no row (design.md sections 6-7). A period the cut falls in keeps its rows: flows up to the
-- cut and positions at the cut (as at least(period end, cut)), which the documents label so.
-- Parameters: $landlord_id, $data_cut.

insert into measures by name

with

known_period as (
    select * from measure_period where period_start <= $data_cut
),

family_rows as (
    select r.*
    from measure_rows as r
    where r.period in (select period from known_period)
),

-- each known period's reporting year: a country is scaffolded in the years it has rows in, so
-- several years computed at once give the rows each year computed alone gives
period_year as (
    select p.period, y.period as year
    from known_period as p
    inner join measure_period as y
        on y.period_kind = 'year' and p.period_start between y.period_start and y.period_end
),

country_measure as (
    select distinct py.year, r.measure, r.breakdown_value, r.view, r.unit
    from family_rows as r
    inner join period_year as py on py.period = r.period
    where r.breakdown = 'regime' and r.breakdown_value in ('eng', 'sct')
),

-- the rows every known period must have: each headline measure overall, and each country of a
-- measure given by country
wanted as (
    select
        p.period_kind,
        p.period,
        c.measure,
        'none' as breakdown,
        'all' as breakdown_value,
        c.view,
        c.unit
    from known_period as p
    cross join measure_catalogue as c
    union all
    select p.period_kind, p.period, m.measure, 'regime', m.breakdown_value, m.view, m.unit
    from known_period as p
    inner join period_year as py on py.period = p.period
    inner join country_measure as m on m.year = py.year
),

scaffold as (
    select
        w.period_kind,
        w.period,
        w.measure,
        w.breakdown,
        w.breakdown_value,
        w.view,
        case when w.unit not in ('flag', 'stage') then 0 end as numerator,
        case when w.unit in ('percent', 'per_1000', 'wd', 'days') then 0 end as denominator,
        null::double as value,
        w.unit
    from wanted as w
    where not exists (
        select 1
        from family_rows as r
        where r.period = w.period
            and r.measure = w.measure
            and r.view = w.view
            and r.breakdown = w.breakdown
            and (w.breakdown = 'none' or r.breakdown_value = w.breakdown_value)
    )
),

all_rows as (
    select * from family_rows
    union all
    select * from scaffold
),

trend as (
    select
        y.period_kind,
        y.period,
        r.measure,
        r.period_kind as breakdown,
        case
            when r.period_kind = 'quarter' then split_part(r.period, '-', 3) else r.period
        end as breakdown_value,
        r.view,
        r.numerator,
        r.denominator,
        r.value,
        r.unit
    from all_rows as r
    inner join measure_period as rp on rp.period = r.period
    inner join measure_period as y
        on y.period_kind = 'year' and rp.period_start between y.period_start and y.period_end
    where r.period_kind in ('month', 'quarter') and r.breakdown = 'none'
),

valued as (
    select
        period_kind,
        period,
        measure,
        breakdown,
        coalesce(breakdown_value, 'unknown') as breakdown_value,
        view,
        numerator,
        denominator,
        coalesce(
            value,
            case unit
                when 'percent' then numerator / nullif(denominator, 0) * 100
                when 'per_1000' then numerator / nullif(denominator, 0) * 1000
                when 'wd' then numerator / nullif(denominator, 0)
                when 'days' then numerator / nullif(denominator, 0)
                when 'count' then numerator
                when 'gbp' then numerator
            end
        ) as value,
        unit
    from (select * from all_rows union all select * from trend)
),

final as (
    select
        $landlord_id as landlord_id,
        v.period_kind,
        v.period,
        p.period_start,
        p.period_end,
        v.measure,
        v.breakdown,
        v.breakdown_value,
        v.view,
        v.numerator,
        v.denominator,
        v.value,
        case
            when v.value is null then '[U]'
            when v.unit = 'flag' then case when v.value = 1 then 'Yes' else 'No' end
            when v.unit = 'stage' then printf('%d', v.value::bigint)
            when v.unit = 'count' and v.value = round(v.value) then printf('%d', v.value::bigint)
            when v.unit = 'gbp' then printf('%.2f', round_half_up(v.value, 2))
            else printf('%.1f', round_half_up(v.value, 1))
        end as display,
        v.unit
    from valued as v
    inner join measure_period as p on p.period = v.period
)

select * from final
