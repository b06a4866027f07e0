-- Scottish Housing Regulator ARC complaint indicators 3 and 4, per stage.
-- design.md section 6 "Scotland (ARC): indicator 3, of the Scottish stage n complaints received in the
-- year, % responded to in full (withdrawn or open = not); indicator 4, mean wd(received, responded)
-- of those responded".
--
-- Counted Scottish stages (every tenure: ARC covers all complaints) received in the period. Responded
-- in full: a response date and an outcome other than withdrawn or open. ARC_3_in_time_n: of those
-- received, % responded in full within the SPSO timescale (regulator view, extensions capped at
-- 5 / 10 WD). wd counts Scottish working days.

with

scottish as (
    select
        stage,
        date_trunc('month', received_date)::date as month,
        responded_date is not null and outcome not in ('withdrawn', 'open') as in_full,
        reg_status,
        wd_to_response
    from stage_timeliness
    where regime = 'sct' and counted and received_date between $year_start and $year_end
),

monthly as (
    select
        month,
        stage,
        count(*) as received,
        count(*) filter (where in_full) as in_full,
        count(*) filter (where in_full and reg_status <> 'late') as in_full_in_time,
        sum(wd_to_response) filter (where in_full) as wd_total
    from scottish
    group by all
),

by_period as (
    select
        pm.period_kind,
        pm.period,
        m.stage,
        sum(m.received) as received,
        sum(m.in_full) as in_full,
        sum(m.in_full_in_time) as in_full_in_time,
        sum(m.wd_total) as wd_total
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
),

final as (
    select
        period_kind, period, 'ARC_3_' || stage as measure, 'none' as breakdown,
        'all' as breakdown_value, 'regulator' as view, in_full as numerator,
        received as denominator, 'percent' as unit
    from by_period
    union all
    select period_kind, period, 'ARC_3_in_time_' || stage, 'none', 'all', 'regulator',
        in_full_in_time, received, 'percent'
    from by_period
    union all
    select period_kind, period, 'ARC_4_' || stage, 'none', 'all', 'regulator', wd_total,
        in_full, 'wd'
    from by_period
)

select * from final
