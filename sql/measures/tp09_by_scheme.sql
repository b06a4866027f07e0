-- TP09 satisfaction with complaint handling per scheme, where the survey records one.
-- design.md section 6 "Breakdowns: every measure by scheme or business unit where the export has
-- it (seed 000 asks for individual scheme reports)" and "TP09" (seed 000 s12.2: "the individual
-- scheme reports").
--
-- The TP09 rule per scheme: survey responses dated in the period with a scheme, made_complaint_12m =
-- yes and one of the five answers; weighted (very + fairly satisfied) / weighted five answers x 100
-- (measure TP09, breakdown scheme), and the unweighted count of those answers (TP09_respondents).
-- Management information: the return reads the stock_type rows only.

with

answered as (
    select
        pd.period_kind,
        pd.period,
        r.scheme,
        sum(r.weight) filter (
            where r.answer in ('very_satisfied', 'fairly_satisfied')
        ) as satisfied,
        sum(r.weight) as answers,
        count(*) as respondents
    from tp09_response as r
    inner join period_day as pd on pd.day = r.survey_date
    where r.landlord_id = $landlord_id
        and r.regime = 'eng'  -- the TSMs are England's
        and r.scheme is not null
        and r.made_complaint_12m = 'yes'
        and r.answer in (
            'very_satisfied', 'fairly_satisfied', 'neither', 'fairly_dissatisfied',
            'very_dissatisfied'
        )
    group by all
),

final as (
    select
        period_kind, period, 'TP09' as measure, 'scheme' as breakdown, scheme as breakdown_value,
        'regulator' as view, coalesce(satisfied, 0) as numerator, answers as denominator,
        'percent' as unit
    from answered
    union all
    select period_kind, period, 'TP09_respondents', 'scheme', scheme, 'regulator', respondents,
        null, 'count'
    from answered
)

select * from final
