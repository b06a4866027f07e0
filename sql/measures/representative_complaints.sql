-- Complaints made on a resident's behalf by a representative, advocate or other third party.
-- design.md section 6 populations (every complaint stage of every tenure); the seed policies accept
-- representatives with the resident's consent (seed 000 s5.2: "a record of this consent must be
-- kept"; seed 003 s14.2; seed 004 s6.2).
--
-- Counted complaints (first stage: stage 1, or the stage 2 of a complaint with no stage 1) received
-- in the period with representative = true, every regime and tenure. The share with consent recorded
-- is representative_consent_recorded.

with

monthly as (
    select
        date_trunc('month', received_date)::date as month,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
        count(*) as complaints
    from stage_timeliness
    where counted
        and representative
        and (stage = 1 or not has_stage1)
        and received_date between $year_start and $year_end
    group by grouping sets ((month), (month, regime))
),

final as (
    select
        pm.period_kind,
        pm.period,
        'representative_complaints' as measure,
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
