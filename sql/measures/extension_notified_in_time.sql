-- % of extended complaint stages whose extension was notified before the original deadline, with a
-- reason.
-- design.md section 4 complaint_stage.extension_notified_date; section 5 (base deadline = clock
-- start + response limit WD); Code 6.4 / 6.15: an extension is agreed with the resident before the
-- response is due and the reason is explained (seed 002 s7.2, seed 003 s9).
--
-- Counted stages received in the period with extension_wd > 0 (stage_timeliness: days recorded, or
-- derived from extended_due_date) (per stage, and by regime): in time
-- when extension_notified_date is on or before the base (original, unextended) deadline
-- (stage_timeliness extension_notified_in_time) and extension_reason is recorded; no notification
-- date = not in time.

with

monthly as (
    select
        date_trunc('month', received_date)::date as month,
        stage,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
        count(*) filter (
            where extension_notified_in_time and nullif(trim(extension_reason), '') is not null
        ) as notified,
        count(*) as extended
    from stage_timeliness
    where counted and extension_wd > 0 and received_date between $year_start and $year_end
    group by grouping sets ((month, stage), (month, stage, regime))
),

final as (
    select
        pm.period_kind,
        pm.period,
        'extension_notified_in_time_' || m.stage as measure,
        m.breakdown,
        m.breakdown_value,
        'all' as view,
        sum(m.notified) as numerator,
        sum(m.extended) as denominator,
        'percent' as unit
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
