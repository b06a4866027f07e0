-- CH01(n) complaints per 1,000 homes and CH02(n) % responded to in time, n = stage 1, 2.
-- design.md section 6 "CH01(n)" and "CH02(n)"; section 5 "Two views of one stage" (regulator view).
--
-- Numerator CH01(n): tsm_eligible stage n received in the period (English complaint, service area in
-- the TSM count, tenant of owned lcra/lcho stock, not refused, anonymous only where accepted). A stage
-- 2 is counted by its escalation's received date, and a stage 2 with no stage 1 is included.
-- Denominator CH01(n): English units owned of that stock type at the year end (quarter and month rows
-- use the same year-end stock; temp table stock_year, one row per year and stock type). A year the
-- data cut falls in whose year end has no stock yet divides by the previous year end's (its
-- quarterly committee packs cannot wait for the count); stock_previous_year_end flags it, so the
-- documents say so (pipeline.measures._build_inputs). CH02(n): of the CH01(n) numerator, in time under the regulator view
-- (open, withdrawn and unanswered = not in time), split without / with extension. A withdrawn stage
-- is not in time even when the export gives it a response date (the withdrawal letter): reg_status
-- judges dates only, so the outcome is read here.
-- 'combined' adds the numerators and denominators of lcra and lcho.

with

eligible as (
    select
        stage,
        tenure as stock_type,
        date_trunc('month', received_date)::date as month,
        case when outcome = 'withdrawn' then 'late' else reg_status end as reg_status
    from stage_timeliness
    where tsm_eligible and received_date between $year_start and $year_end
),

monthly as (
    select
        month,
        stage,
        stock_type,
        count(*) as received,
        count(*) filter (where reg_status = 'in_time_without_ext') as without_ext,
        count(*) filter (where reg_status = 'in_time_with_ext') as with_ext
    from eligible
    group by all
),

by_type as (
    select
        pm.period_kind,
        pm.period,
        m.stage,
        m.stock_type,
        sum(m.received) as received,
        sum(m.without_ext) as without_ext,
        sum(m.with_ext) as with_ext
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
),

-- every period x stage x stock type, so an empty cell gives 0 complaints (and [U] for CH02)
grid as (
    select
        p.period_kind,
        p.period,
        s.stage,
        t.stock_type,
        t.units_owned,
        t.stock_year_end < t.year_end as previous_year_end
    from measure_period as p
    cross join (values (1), (2)) as s (stage)
    inner join stock_year as t on p.period_start between t.year_start and t.year_end
),

filled as (
    select
        g.period_kind,
        g.period,
        g.stage,
        g.stock_type,
        g.units_owned,
        g.previous_year_end,
        coalesce(b.received, 0) as received,
        coalesce(b.without_ext, 0) as without_ext,
        coalesce(b.with_ext, 0) as with_ext
    from grid as g
    left join by_type as b
        on b.period = g.period and b.stage = g.stage and b.stock_type = g.stock_type
),

with_combined as (
    select * from filled
    union all
    select
        period_kind,
        period,
        stage,
        'combined' as stock_type,
        sum(units_owned),
        bool_or(previous_year_end),
        sum(received),
        sum(without_ext),
        sum(with_ext)
    from filled
    group by period_kind, period, stage
),

final as (
    select
        period_kind, period, 'CH01_' || stage as measure, 'stock_type' as breakdown,
        stock_type as breakdown_value, 'regulator' as view,
        received as numerator, units_owned as denominator, null::double as value,
        'per_1000' as unit
    from with_combined
    union all
    select
        period_kind, period, 'CH02_' || stage, 'stock_type', stock_type, 'regulator',
        without_ext + with_ext, received, null, 'percent'
    from with_combined
    union all
    select
        period_kind, period, 'CH02_' || stage || '_without_ext', 'stock_type', stock_type,
        'regulator', without_ext, null, null, 'count'
    from with_combined
    union all
    select
        period_kind, period, 'CH02_' || stage || '_with_ext', 'stock_type', stock_type,
        'regulator', with_ext, null, null, 'count'
    from with_combined
    union all
    select
        period_kind, period, 'stock_units', 'stock_type', stock_type, 'all', units_owned, null,
        null, 'count'
    from with_combined
    where stage = 1
    union all
    -- 1 when the rates divide by the previous year end's stock (a year in progress at the cut)
    select
        period_kind, period, 'stock_previous_year_end', 'none', 'all', 'all', null, null,
        previous_year_end::int, 'flag'
    from with_combined
    where stage = 1 and stock_type = 'combined'
)

select * from final
