-- Collective complaints: one record for a group of residents, with a lead complainant.
-- design.md section 6 "A collective complaint counts once" (seed 003 s7.3: "we will identify the
-- lead complainant to enable recording of the complaint").
--
-- Counted complaints (first stage: stage 1, or the stage 2 of a complaint with no stage 1) received
-- in the period that are collective, every regime and tenure: each group complaint counts once, here
-- and in every other complaint measure.

with

monthly as (
    select
        date_trunc('month', received_date)::date as month,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
        count(*) as complaints
    from stage_timeliness
    where counted
        and collective
        and (stage = 1 or not has_stage1)
        and received_date between $year_start and $year_end
    group by grouping sets ((month), (month, regime))
),

final as (
    select
        pm.period_kind,
        pm.period,
        'collective_complaints' as measure,
        m.breakdown,
        m.breakdown_value,
        'all' as view,
        sum(m.complaints) as numerator,
        'count' as unit
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
