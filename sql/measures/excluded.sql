-- Excluded complaint stages: left out of every complaint measure by the policy version in force,
-- counted and reported with the refusals.
-- design.md section 6 "Anonymous complaints count where the policy version accepts them" and
-- "refused complaints received in the period (complaint level, every regime) and their reasons
-- (Code 8.1 asks for them)"; section 3 "moves STAIRs complaints to a separate policy" (seed 000).
--
-- Stages received in the period that are not refused but excluded (stage_timeliness
-- excluded_reason): 'anonymous' under a version that does not accept anonymous complaints, or the
-- complaint's separate_policy (e.g. 'stairs') under a version that lists it. Every regime and tenure.
-- excluded_1 counts complaints excluded at stage 1, excluded_2 escalations (and stage 2 complaints
-- with no stage 1), as refused_1 and refused_2 do.

with

excluded as (
    select
        stage,
        date_trunc('month', received_date)::date as month,
        regime,
        excluded_reason as reason,
        count(*) as n
    from stage_timeliness
    where excluded_reason is not null and received_date between $year_start and $year_end
    group by all
),

monthly as (
    select
        month,
        stage,
        case
            when grouping(reason) = 0 then 'reason'
            when grouping(regime) = 0 then 'regime'
            else 'none'
        end as breakdown,
        coalesce(reason, regime, 'all') as breakdown_value,
        sum(n) as stages
    from excluded
    group by grouping sets ((month, stage), (month, stage, reason), (month, stage, regime))
),

final as (
    select
        pm.period_kind,
        pm.period,
        'excluded_' || m.stage as measure,
        m.breakdown,
        m.breakdown_value,
        'all' as view,
        sum(m.stages) as numerator,
        'count' as unit
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
