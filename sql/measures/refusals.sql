-- Refused complaint stages and their reasons (the only measure that counts refused stages).
-- design.md section 6 "refused complaints received in the period (complaint level, every regime) and
-- their reasons (Code 8.1 asks for them)"; refusal is per stage (a refused escalation leaves stage 1).
--
-- Refused stages received in the period, every regime and tenure. refused_1 is the complaint-level
-- count (a refused complaint); refused_2 counts refused escalations. refusals_with_reason: % of the
-- refused stages with a reason recorded, overall and per stage (breakdown stage, values '1', '2').
-- Both also by regime and regime|reason / regime|stage: the Code self-assessment (2.1, 5.11, 8.1)
-- of a landlord in England and Scotland quotes England's refusals alone.

with

refused as (
    select
        stage,
        date_trunc('month', received_date)::date as month,
        regime,
        coalesce(nullif(trim(refusal_reason), ''), 'not recorded') as reason
    from stage_timeliness
    where refused and received_date between $year_start and $year_end
),

monthly as (
    select
        month,
        'refused_' || stage as measure,
        case
            when grouping(reason) = 0 and grouping(regime) = 0 then 'regime|reason'
            when grouping(reason) = 0 then 'reason'
            when grouping(regime) = 0 then 'regime'
            else 'none'
        end as breakdown,
        case
            when grouping(reason) = 0 and grouping(regime) = 0 then regime || '|' || reason
            else coalesce(reason, regime, 'all')
        end as breakdown_value,
        count(*) as numerator,
        null::bigint as denominator,
        'count' as unit
    from refused
    group by grouping sets (
        (month, stage),
        (month, stage, reason),
        (month, stage, regime),
        (month, stage, regime, reason)
    )
    union all
    select
        month,
        'refusals_with_reason',
        case
            when grouping(regime) = 0 and grouping(stage) = 0 then 'regime|stage'
            when grouping(regime) = 0 then 'regime'
            when grouping(stage) = 0 then 'stage'
            else 'none'
        end,
        case
            when grouping(regime) = 0 and grouping(stage) = 0 then regime || '|' || stage::varchar
            else coalesce(regime, stage::varchar, 'all')
        end,
        count(*) filter (where reason <> 'not recorded'),
        count(*),
        'percent'
    from refused
    group by grouping sets ((month), (month, stage), (month, regime), (month, regime, stage))
),

final as (
    select
        pm.period_kind,
        pm.period,
        m.measure,
        m.breakdown,
        m.breakdown_value,
        'all' as view,
        sum(m.numerator) as numerator,
        sum(m.denominator) as denominator,
        m.unit
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
