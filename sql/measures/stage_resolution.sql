-- Stage resolution: escalation rate, % resolved at stage 1 and 2, the stage with most resolutions,
-- and escalations requested after the window.
-- design.md section 6 "Stage resolution"; section 5 "Escalation window" and "resolved at stage 1 is
-- provisional until the window of a stage 1 response has closed".
--
-- Denominator: counted stage 1 responses dated in the period (per regime and all). Escalated: the
-- complaint has a counted stage 2 received by the data cut (a refused escalation does not count; a
-- stage 2 with no stage 1 is outside this denominator). resolved_stage1 = not escalated (100 minus
-- the escalation rate); the provisional count is the part of it whose escalation window is still open
-- at the data cut. resolved_stage2: the stage 2 has been responded to by the data cut.
-- resolutions: final responses in the period (stage 1 not escalated + counted stage 2 responses).
-- escalation_late_requested: stage 2 requests received in the period after the escalation window,
-- refused ones included (a refusal "escalation out of time" is one of them). The window is that of
-- the policy version in force on the request's received date (a stage is judged by the version in
-- force when it was received, design.md s3/s5), counted from the stage 1 response
-- (stage_timeliness.late_requested).
-- complaints_raised_late: complaints (their first stage) received in the period more than the policy
-- version's complaint_time_limit_months after first knowing of the issue, refused ones included.

with

stage1 as (
    select
        date_trunc('month', responded_date)::date as month,
        regime,
        has_stage2,
        stage2_responded,
        s1_provisional
    from stage_timeliness
    where stage = 1 and counted and responded_date between $year_start and $year_end
),

stage1_monthly as (
    select
        month,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
        count(*) as responses,
        count(*) filter (where has_stage2) as escalated,
        count(*) filter (where s1_provisional) as provisional,
        count(*) filter (where stage2_responded) as resolved_stage2
    from stage1
    group by grouping sets ((month), (month, regime))
),

stage1_period as (
    select
        pm.period_kind,
        pm.period,
        m.breakdown,
        m.breakdown_value,
        sum(m.responses) as responses,
        sum(m.escalated) as escalated,
        sum(m.provisional) as provisional,
        sum(m.resolved_stage2) as resolved_stage2
    from stage1_monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
),

final_responses_monthly as (
    select date_trunc('month', responded_date)::date as month, stage, count(*) as resolutions
    from stage_timeliness
    where counted
        and responded_date between $year_start and $year_end
        and (stage = 2 or not has_stage2)
    group by all
),

resolutions as (
    select pm.period_kind, pm.period, s.stage, coalesce(sum(m.resolutions), 0) as resolutions
    from measure_period as pm
    cross join (values (1), (2)) as s (stage)
    left join period_month as pmm on pmm.period = pm.period
    left join final_responses_monthly as m on m.month = pmm.month and m.stage = s.stage
    group by all
),

most as (
    select
        period_kind,
        period,
        case
            when sum(resolutions) = 0 then null
            when max(resolutions) filter (where stage = 2) > max(resolutions) filter (where stage = 1)
                then 2
            else 1
        end as stage
    from resolutions
    group by all
),

late_requested_monthly as (
    select
        date_trunc('month', received_date)::date as month,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
        count(*) as late_requested
    from stage_timeliness
    -- accepted or refused alike (design.md section 5: whether it was accepted is the refusal
    -- field); a stage outside the policy (anonymous, a separate policy) is not a request under it
    where stage = 2
        and excluded_reason is null
        and late_requested
        and received_date between $year_start and $year_end
    group by grouping sets ((month), (month, regime))
),

raised_late_monthly as (
    select
        date_trunc('month', received_date)::date as month,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
        count(*) filter (where raised_late) as raised_late,
        count(*) filter (where first_known_recorded) as known
    from stage_timeliness
    -- accepted or refused alike (a refusal "outside the time limit" is one of them); a complaint
    -- outside the policy (anonymous, a separate policy) is not one raised under it. Only the
    -- complaints with a first_known_date can be judged: a period where none has one gets a null
    -- count ([U]), not 0 (first_known_recorded is null on a stage that is not the first)
    where first_known_recorded is not null
        and excluded_reason is null
        and received_date between $year_start and $year_end
    group by grouping sets ((month), (month, regime))
),

final as (
    select
        period_kind, period, 'escalation_rate' as measure, breakdown, breakdown_value,
        'management' as view, escalated as numerator, responses as denominator,
        null::double as value, 'percent' as unit
    from stage1_period
    union all
    select
        period_kind, period, 'resolved_stage1', breakdown, breakdown_value, 'management',
        responses - escalated, responses, null, 'percent'
    from stage1_period
    union all
    select
        period_kind, period, 'resolved_stage1_provisional_count', breakdown, breakdown_value,
        'management', provisional, null, null, 'count'
    from stage1_period
    union all
    select
        period_kind, period, 'resolved_stage1_provisional', breakdown, breakdown_value,
        'management', null, null, (provisional > 0)::int, 'flag'
    from stage1_period
    union all
    select
        period_kind, period, 'resolved_stage2', breakdown, breakdown_value, 'management',
        resolved_stage2, responses, null, 'percent'
    from stage1_period
    union all
    select
        period_kind, period, 'resolutions', 'stage', stage::varchar, 'management', resolutions,
        null, null, 'count'
    from resolutions
    union all
    select
        period_kind, period, 'stage_most_resolutions', 'none', 'all', 'management', null, null,
        stage, 'stage'
    from most
    union all
    select
        pm.period_kind, pm.period, 'escalation_late_requested', m.breakdown, m.breakdown_value,
        'management', sum(m.late_requested), null, null, 'count'
    from late_requested_monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
    union all
    select
        pm.period_kind, pm.period, 'complaints_raised_late', m.breakdown, m.breakdown_value,
        'management', case when sum(m.known) > 0 then sum(m.raised_late) end, null, null,
        'count'
    from raised_late_monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
