-- Stage 2 reviewed by someone other than the stage 1 handler.
-- design.md section 7 (self-assessment evidence) and the Code's requirement that stage 2 is handled
-- by a different person from stage 1 (Code 6.11 as the self-assessment numbers it).
--
-- Counted stage 2 received in the period whose complaint has a stage 1 and both handler references
-- recorded: % where the two differ (references are pseudonymous, so equality is all that is known).

with

monthly as (
    select
        date_trunc('month', received_date)::date as month,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
        count(*) filter (where handler_ref <> s1_handler_ref) as different,
        count(*) as stages
    from stage_timeliness
    where stage = 2
        and counted
        and has_stage1
        and handler_ref is not null
        and s1_handler_ref is not null
        and received_date between $year_start and $year_end
    group by grouping sets ((month), (month, regime))
),

final as (
    select
        pm.period_kind,
        pm.period,
        'stage2_different_handler' as measure,
        m.breakdown,
        m.breakdown_value,
        'all' as view,
        sum(m.different) as numerator,
        sum(m.stages) as denominator,
        'percent' as unit
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
