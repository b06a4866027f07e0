-- % of complaints made by a representative with the resident's consent recorded.
-- Seed 000 s5.2: a complaint via a third party "must have the resident's consent or be via a legal
-- power of attorney ... and a record of this consent must be kept"; seed 003 s14.2-14.3 (a signed
-- mandate or verbal consent); design.md section 6 populations.
--
-- Denominator: the representative_complaints population (counted complaints by their first stage,
-- received in the period, representative = true). Numerator: those with
-- representative_consent_date recorded.

with

monthly as (
    select
        date_trunc('month', received_date)::date as month,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
        count(*) filter (where representative_consent_recorded) as recorded,
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
        'representative_consent_recorded' as measure,
        m.breakdown,
        m.breakdown_value,
        'all' as view,
        sum(m.recorded) as numerator,
        sum(m.complaints) as denominator,
        'percent' as unit
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
