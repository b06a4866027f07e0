-- Ombudsman cases in progress at the period end: referred and not yet determined.
-- design.md section 6 "Ombudsman: per body, cases referred, determinations ..." and section 7's
-- committee pack; seed 003 s25.1 and seed 000 s11.2 ask for "regular updates on the outcomes of the
-- Ombudsman's investigations", so the pack shows the cases still with each body.
--
-- open_ombudsman_cases (count; none, body): cases with referral_date on or before X and no
-- determination by X, where X = the period end, or the data cut when that is earlier (nothing is
-- known after the cut). A position at X, like open_n: the year-to-date figure is the last period's.

with

as_of as (
    select period_kind, period, least(period_end, $data_cut) as as_of_date
    from measure_period
    where period_start <= $data_cut
),

in_progress as (
    select
        a.period_kind,
        a.period,
        case when grouping(c.body) = 0 then 'body' else 'none' end as breakdown,
        coalesce(c.body, 'all') as breakdown_value,
        count(*) as cases
    from ombudsman_case as c
    inner join as_of as a
        on c.referral_date <= a.as_of_date
        and coalesce(c.determination_date, date '9999-12-31') > a.as_of_date
    where c.landlord_id = $landlord_id
    group by grouping sets ((a.period_kind, a.period), (a.period_kind, a.period, c.body))
),

final as (
    select
        period_kind,
        period,
        'open_ombudsman_cases' as measure,
        breakdown,
        breakdown_value,
        'all' as view,
        cases as numerator,
        null::double as denominator,
        'count' as unit
    from in_progress
)

select * from final
