-- Outcomes (upheld, partially upheld, not upheld, withdrawn, discontinued) by stage, and by
-- category, service area, regime and scheme.
-- design.md section 6 "Outcomes: upheld / partially upheld / not upheld / withdrawn by stage,
-- category and service area".
--
-- Counted stages closed in the period: responded to, or withdrawn / discontinued (closed when the
-- complaint closed). Percent of the stages closed in the same group; the two-way breakdowns are named
-- 'category|outcome' with values like 'Repairs|upheld'.

with

-- counted once per distinct combination (thousands of rows rather than hundreds of thousands),
-- so the grouping sets below add up counts
stages as (
    select
        stage,
        date_trunc('month', stage_closed_date)::date as month,
        outcome,
        regime,
        coalesce(category, 'unknown') as category,
        service_area,
        coalesce(scheme, 'unknown') as scheme,
        count(*) as n
    from stage_timeliness
    where counted and stage_closed_date between $year_start and $year_end
    group by all
),

monthly as (
    select
        month,
        stage,
        outcome,
        case
            when grouping(category) = 0 then 'category'
            when grouping(service_area) = 0 then 'service_area'
            when grouping(regime) = 0 then 'regime'
            when grouping(scheme) = 0 then 'scheme'
        end as group_name,
        coalesce(category, service_area, regime, scheme) as group_value,
        sum(n) as stages
    from stages
    group by grouping sets (
        (month, stage, outcome),
        (month, stage, outcome, category),
        (month, stage, outcome, service_area),
        (month, stage, outcome, regime),
        (month, stage, outcome, scheme)
    )
),

by_period as (
    select
        pm.period_kind,
        pm.period,
        m.stage,
        m.outcome,
        m.group_name,
        m.group_value,
        sum(m.stages) as stages
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
),

final as (
    select
        period_kind,
        period,
        'outcome_' || stage as measure,
        case when group_name is null then 'outcome' else group_name || '|outcome' end
            as breakdown,
        case when group_name is null then outcome else group_value || '|' || outcome end
            as breakdown_value,
        'all' as view,
        stages as numerator,
        sum(stages) over (partition by period, stage, group_name, group_value) as denominator,
        'percent' as unit
    from by_period
)

select * from final
