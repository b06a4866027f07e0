-- Volumes: complaint stages and complaints received, by stage and breakdown.
-- design.md section 6 "Breakdowns" (scheme, managing agent) and the annual report's volumes and
-- themes; "Care: counted and reported apart"; service areas outside the TSM count reported apart.
--
-- Counted stages only (not refused; anonymous only where the policy version accepts them), every
-- regime and tenure, by the stage's received date. complaints_received counts a complaint once, by
-- its first stage: stage 1, or the stage 2 of a complaint with no stage 1.

with

-- counted once per distinct combination (thousands of rows rather than hundreds of thousands),
-- so the grouping sets below add up counts
stages as (
    select
        stage,
        date_trunc('month', received_date)::date as month,
        regime,
        coalesce(category, 'unknown') as category,
        service_area,
        coalesce(channel, 'unknown') as channel,
        coalesce(scheme, 'unknown') as scheme,
        coalesce(handled_by, 'landlord') as managing_agent,
        tenure,
        outside_tsm,
        stage = 1 or not has_stage1 as first_stage,
        count(*) as n
    from stage_timeliness
    where counted and received_date between $year_start and $year_end
    group by all
),

stage_monthly as (
    select
        month,
        stage,
        case
            when grouping(regime) = 0 and grouping(channel) = 0 then 'regime|channel'
            when grouping(regime) = 0 then 'regime'
            when grouping(category) = 0 then 'category'
            when grouping(service_area) = 0 then 'service_area'
            when grouping(channel) = 0 then 'channel'
            when grouping(scheme) = 0 then 'scheme'
            when grouping(managing_agent) = 0 then 'managing_agent'
            when grouping(tenure) = 0 then 'tenure'
            else 'none'
        end as breakdown,
        case
            when grouping(regime) = 0 and grouping(channel) = 0 then regime || '|' || channel
            else coalesce(
                regime, category, service_area, channel, scheme, managing_agent, tenure, 'all'
            )
        end as breakdown_value,
        sum(n) as received
    from stages
    group by grouping sets (
        (month, stage),
        (month, stage, regime),
        (month, stage, category),
        (month, stage, service_area),
        (month, stage, channel),
        (month, stage, scheme),
        (month, stage, managing_agent),
        (month, stage, tenure),
        -- by country and channel: the Code self-assessment (3.1) quotes England's channels alone
        -- for a landlord with homes in Scotland too
        (month, stage, regime, channel)
    )
),

complaint_monthly as (
    select
        month,
        case
            when grouping(regime) = 0 then 'regime'
            when grouping(service_area) = 0 then 'service_area'
            else 'none'
        end as breakdown,
        coalesce(regime, service_area, 'all') as breakdown_value,
        sum(n) as received
    from stages
    where first_stage
    group by grouping sets ((month), (month, regime), (month, service_area))
),

apart_monthly as (
    select month, 'outside_tsm' as measure, 'service_area' as breakdown,
        service_area as breakdown_value, sum(n) as received
    from stages
    where outside_tsm
    group by all
    union all
    select month, 'care_complaints', 'stage', stage::varchar, sum(n)
    from stages
    where service_area = 'care'
    group by all
    union all
    select month, 'care_complaints', 'none', 'all', sum(n)
    from stages
    where service_area = 'care'
    group by all
),

monthly as (
    select month, 'received_' || stage as measure, breakdown, breakdown_value, received
    from stage_monthly
    union all
    select month, 'complaints_received', breakdown, breakdown_value, received
    from complaint_monthly
    union all
    select month, measure, breakdown, breakdown_value, received
    from apart_monthly
),

final as (
    select
        pm.period_kind,
        pm.period,
        m.measure,
        m.breakdown,
        m.breakdown_value,
        'all' as view,
        sum(m.received) as numerator,
        'count' as unit
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
