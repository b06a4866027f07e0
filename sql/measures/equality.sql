-- Equality and access: vulnerability and reasonable adjustments recorded, by stage.
-- design.md section 6 "Equality and access: complaints with vulnerability or adjustments recorded, by
-- stage and timeliness" (timeliness by vulnerability: response_in_time_n, breakdown vulnerability).
--
-- Counted stages received in the period: % with a vulnerability recorded, % with an adjustment
-- requested; of those requested, % with the adjustment made. Overall and by regime: the Code
-- self-assessment (5.10) of a landlord in England and Scotland quotes England's figures alone.

with

monthly as (
    select
        date_trunc('month', received_date)::date as month,
        stage,
        regime,
        count(*) as received,
        count(*) filter (where vulnerability) as vulnerability,
        count(*) filter (where adjustment_requested) as adjustment_requested,
        count(*) filter (where adjustment_requested and adjustment_made) as adjustment_made
    from stage_timeliness
    where counted and received_date between $year_start and $year_end
    group by all
),

by_period as (
    select
        pm.period_kind,
        pm.period,
        m.stage,
        case when grouping(m.regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(m.regime, 'all') as breakdown_value,
        sum(m.received) as received,
        sum(m.vulnerability) as vulnerability,
        sum(m.adjustment_requested) as adjustment_requested,
        sum(m.adjustment_made) as adjustment_made
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by grouping sets (
        (pm.period_kind, pm.period, m.stage), (pm.period_kind, pm.period, m.stage, m.regime)
    )
),

final as (
    select
        period_kind, period, 'vulnerability_' || stage as measure, breakdown, breakdown_value,
        'all' as view, vulnerability as numerator, received as denominator, 'percent' as unit
    from by_period
    union all
    select period_kind, period, 'adjustment_requested_' || stage, breakdown, breakdown_value,
        'all', adjustment_requested, received, 'percent'
    from by_period
    union all
    select period_kind, period, 'adjustment_made_' || stage, breakdown, breakdown_value, 'all',
        adjustment_made, adjustment_requested, 'percent'
    from by_period
)

select * from final
