-- Complaint-handling evidence for the self-assessment: different stage 2 handler, complete records,
-- extensions within the limit.
-- design.md section 7 (self-assessment evidence): the Code requires stage 2 to be handled by a
-- different person from stage 1 (Code 6.13), complete records of each complaint (Code 5.12) and
-- extensions within the Code's / SPSO's limits with the reason given (Code 6.4 / 6.15; SPSO model
-- CHP).
--
-- stage2_different_handler: counted stage 2 received in the period whose complaint has a stage 1 and
--   both handler references recorded: % where the two differ (references are pseudonymous, so
--   equality is all that is known).
-- records_complete: counted stages received in the period, % with the record the Code asks for:
--   received date, an outcome other than 'open' once responded, and a handler reference. Also by
--   regime: the Code self-assessment (5.12) of a landlord in both countries quotes England's.
-- extension_within_limit_n: counted stage n received in the period with extension_wd > 0
--   (stage_timeliness: days recorded, or derived from extended_due_date), % whose
--   extension is within the regulator cap (eng 10 / 20, sct 5 / 10 WD) and has a reason recorded.
-- One scan of the counted stages received in the year feeds all three.

with

-- not materialized: each use reads a few of its columns, and a scan costs less than a copy
stages as not materialized (
    select
        stage,
        date_trunc('month', received_date)::date as month,
        regime,
        received_date is not null
        and (responded_date is null or outcome <> 'open')
        and nullif(trim(handler_ref), '') is not null as record_complete,
        extension_wd > 0 as extended,
        -- reg_extension_wd = least(extension_wd, regulator cap): equal only when within the cap
        extension_wd = reg_extension_wd and nullif(trim(extension_reason), '') is not null
            as extension_ok,
        stage = 2
        and has_stage1
        and handler_ref is not null
        and s1_handler_ref is not null as handlers_known,
        handler_ref <> s1_handler_ref as handler_differs
    from stage_timeliness
    where counted and received_date between $year_start and $year_end
),

monthly as (
    select
        month,
        'stage2_different_handler' as measure,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
        'all' as view,
        count(*) filter (where handler_differs) as numerator,
        count(*) as denominator
    from stages
    where handlers_known
    group by grouping sets ((month), (month, regime))
    union all
    select
        month,
        'records_complete',
        case
            when grouping(stage) = 0 then 'stage'
            when grouping(regime) = 0 then 'regime'
            else 'none'
        end,
        coalesce(stage::varchar, regime, 'all'),
        'all',
        count(*) filter (where record_complete),
        count(*)
    from stages
    group by grouping sets ((month), (month, stage), (month, regime))
    union all
    select
        month,
        'extension_within_limit_' || stage,
        case when grouping(regime) = 0 then 'regime' else 'none' end,
        coalesce(regime, 'all'),
        'regulator',
        count(*) filter (where extension_ok),
        count(*)
    from stages
    where extended
    group by grouping sets ((month, stage), (month, stage, regime))
),

final as (
    select
        pm.period_kind,
        pm.period,
        m.measure,
        m.breakdown,
        m.breakdown_value,
        m.view,
        sum(m.numerator) as numerator,
        sum(m.denominator) as denominator,
        'percent' as unit
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
