-- % of complaint stages acknowledged in time, per stage.
-- design.md section 6 "Timeliness: % acknowledged in time per stage"; section 5 acknowledgement
-- limits (the policy version in force on the stage's received date; the same limits in both views).
--
-- Counted stages received in the period that have an acknowledgement step. In time: acknowledged on
-- or before ack due. Late or missing: not in time. A stage not yet acknowledged whose ack due is on or
-- after the data cut is pending and left out. Scotland stage 1 (no acknowledgement step) is absent.

with

-- counted once per distinct combination (thousands of rows rather than hundreds of thousands),
-- so the grouping sets below add up counts
stages as (
    select
        stage,
        date_trunc('month', received_date)::date as month,
        regime,
        coalesce(scheme, 'unknown') as scheme,
        coalesce(handled_by, 'landlord') as managing_agent,
        ack_in_time,
        count(*) as n
    from stage_timeliness
    where counted
        and received_date between $year_start and $year_end
        and ack_status in ('in_time', 'late', 'missing')
    group by all
),

monthly as (
    select
        month,
        stage,
        case
            when grouping(regime) = 0 then 'regime'
            when grouping(scheme) = 0 then 'scheme'
            when grouping(managing_agent) = 0 then 'managing_agent'
            else 'none'
        end as breakdown,
        coalesce(regime, scheme, managing_agent, 'all') as breakdown_value,
        coalesce(sum(n) filter (where ack_in_time), 0) as in_time,
        sum(n) as stages
    from stages
    group by grouping sets (
        (month, stage), (month, stage, regime), (month, stage, scheme), (month, stage, managing_agent)
    )
),

final as (
    select
        pm.period_kind,
        pm.period,
        'ack_in_time_' || m.stage as measure,
        m.breakdown,
        m.breakdown_value,
        'all' as view,
        sum(m.in_time) as numerator,
        sum(m.stages) as denominator,
        'percent' as unit
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
