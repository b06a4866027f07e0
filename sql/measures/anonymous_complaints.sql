-- Anonymous complaints handled where the policy version accepts them.
-- design.md section 6 "Anonymous complaints count where the policy version accepts them" (seed 003
-- s15: "we value all complaints, including anonymous complaints").
--
-- Counted complaints (first stage: stage 1, or the stage 2 of a complaint with no stage 1) received
-- in the period and made anonymously, every regime and tenure. Anonymous complaints a version does
-- not accept are in excluded_n (reason 'anonymous'), not here.

with

monthly as (
    select
        date_trunc('month', received_date)::date as month,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
        count(*) as complaints
    from stage_timeliness
    where counted
        and anonymous
        and (stage = 1 or not has_stage1)
        and received_date between $year_start and $year_end
    group by grouping sets ((month), (month, regime))
),

final as (
    select
        pm.period_kind,
        pm.period,
        'anonymous_complaints' as measure,
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
