-- Transactional complainant surveys: response rate and satisfaction per question.
-- design.md section 6 "Complainant surveys: response rate (returned / sent) and satisfaction per
-- question, by quarter" (quarter rows, and the year's 'quarter' breakdown).
--
-- Response rate: surveys sent in the period, returned / sent. Satisfaction: surveys returned in the
-- period, answers 4 or 5 (satisfied, very satisfied) / questions answered, per question.

with

sent as (
    select pd.period_kind, pd.period, count(*) as sent, count(s.returned_date) as returned
    from complainant_survey as s
    inner join period_day as pd on pd.day = s.sent_date
    where s.landlord_id = $landlord_id
    group by all
),

answers as (
    unpivot (
        select pd.period_kind, pd.period, s.satisfied_timeliness as timeliness,
            s.satisfied_fairness as fairness, s.satisfied_outcome as outcome
        from complainant_survey as s
        inner join period_day as pd on pd.day = s.returned_date
        where s.landlord_id = $landlord_id
    )
    on timeliness, fairness, outcome
    into name question value score
),

satisfaction as (
    select
        period_kind,
        period,
        question,
        count(*) filter (where score >= 4) as satisfied,
        count(score) as answered
    from answers
    group by all
),

final as (
    select
        period_kind, period, 'complainant_survey_response_rate' as measure, 'none' as breakdown,
        'all' as breakdown_value, 'all' as view, returned as numerator, sent as denominator,
        'percent' as unit
    from sent
    union all
    select period_kind, period, 'complainant_satisfaction_' || question, 'none', 'all', 'all',
        satisfied, answered, 'percent'
    from satisfaction
)

select * from final
