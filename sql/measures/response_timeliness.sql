-- % of complaint stages responded to in time, in the management and the regulator view.
-- design.md section 6 "Timeliness: % responded in time by response date in the period (management
-- view)"; section 5 "Two views of one stage".
--
-- Counted stages (every regime and tenure) responded to in the period. The same population is judged
-- by both rules, so the two views differ only by the extension cap: management = the landlord's policy
-- version, regulator = the Code / SPSO limit. response_in_time_with_ext_n counts the stages in time
-- only thanks to an extension. CH02 (received in the year, TSM population) is in ch01_ch02.sql.

with

-- counted once per distinct combination (thousands of rows rather than hundreds of thousands),
-- so the grouping sets below add up counts
stages as (
    select
        stage,
        date_trunc('month', responded_date)::date as month,
        regime,
        coalesce(category, 'unknown') as category,
        service_area,
        coalesce(scheme, 'unknown') as scheme,
        coalesce(handled_by, 'landlord') as managing_agent,
        case when vulnerability then 'yes' else 'no' end as vulnerability,
        mgt_status,
        reg_status,
        count(*) as n
    from stage_timeliness
    where counted and responded_date between $year_start and $year_end
    group by all
),

monthly as (
    select
        month,
        stage,
        case
            when grouping(regime) = 0 then 'regime'
            when grouping(category) = 0 then 'category'
            when grouping(service_area) = 0 then 'service_area'
            when grouping(scheme) = 0 then 'scheme'
            when grouping(managing_agent) = 0 then 'managing_agent'
            when grouping(vulnerability) = 0 then 'vulnerability'
            else 'none'
        end as breakdown,
        coalesce(
            regime, category, service_area, scheme, managing_agent, vulnerability, 'all'
        ) as breakdown_value,
        coalesce(sum(n) filter (where mgt_status <> 'late'), 0) as mgt_in_time,
        coalesce(sum(n) filter (where mgt_status = 'in_time_with_ext'), 0) as mgt_with_ext,
        coalesce(sum(n) filter (where reg_status <> 'late'), 0) as reg_in_time,
        coalesce(sum(n) filter (where reg_status = 'in_time_with_ext'), 0) as reg_with_ext,
        sum(n) as responded
    from stages
    group by grouping sets (
        (month, stage),
        (month, stage, regime),
        (month, stage, category),
        (month, stage, service_area),
        (month, stage, scheme),
        (month, stage, managing_agent),
        (month, stage, vulnerability)
    )
),

by_period as (
    select
        pm.period_kind,
        pm.period,
        m.stage,
        m.breakdown,
        m.breakdown_value,
        sum(m.mgt_in_time) as mgt_in_time,
        sum(m.mgt_with_ext) as mgt_with_ext,
        sum(m.reg_in_time) as reg_in_time,
        sum(m.reg_with_ext) as reg_with_ext,
        sum(m.responded) as responded
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
),

final as (
    select
        period_kind, period, 'response_in_time_' || stage as measure, breakdown,
        breakdown_value, 'management' as view, mgt_in_time as numerator,
        responded as denominator, 'percent' as unit
    from by_period
    union all
    select
        period_kind, period, 'response_in_time_' || stage, breakdown, breakdown_value,
        'regulator', reg_in_time, responded, 'percent'
    from by_period
    union all
    select
        period_kind, period, 'response_in_time_with_ext_' || stage, breakdown, breakdown_value,
        'management', mgt_with_ext, null, 'count'
    from by_period
    where breakdown in ('none', 'regime')
    union all
    select
        period_kind, period, 'response_in_time_with_ext_' || stage, breakdown, breakdown_value,
        'regulator', reg_with_ext, null, 'count'
    from by_period
    where breakdown in ('none', 'regime')
)

select * from final
