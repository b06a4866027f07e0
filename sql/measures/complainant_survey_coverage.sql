-- Complainant survey coverage: the share of closed complaints sent a complainant survey.
-- design.md section 4 complainant_survey ("seed 004 surveys every complainant; seed 000 monthly");
-- seed 004 s9.2 "We send a survey to each complainant"; section 6 "Complainant surveys".
--
-- Denominator: counted complaints (first stage: stage 1, or the stage 2 of a complaint with no
-- stage 1) closed in the period (complaint_resolved_date: the closure, else the latest counted
-- stage's response). Numerator: those with at least one complainant_survey row. landlord.yaml
-- complainant_survey says what to expect: every_complainant = 100%, monthly_sample = a sample.

with

surveyed as (
    select distinct complaint_id
    from complainant_survey
    where landlord_id = $landlord_id
),

closed as (
    select
        date_trunc('month', s.complaint_resolved_date)::date as month,
        count(*) filter (where v.complaint_id is not null) as surveyed,
        count(*) as complaints
    from stage_timeliness as s
    left join surveyed as v on v.complaint_id = s.complaint_id
    where s.counted
        and (s.stage = 1 or not s.has_stage1)
        and s.complaint_resolved_date between $year_start and $year_end
    group by all
),

final as (
    select
        pm.period_kind,
        pm.period,
        'complainant_survey_coverage' as measure,
        'none' as breakdown,
        'all' as breakdown_value,
        'all' as view,
        sum(c.surveyed) as numerator,
        sum(c.complaints) as denominator,
        'percent' as unit
    from closed as c
    inner join period_month as pm on pm.month = c.month
    group by all
)

select * from final
