-- Actions promised in complaint responses, past their due date and not done at the period end.
-- design.md section 6 "Learning: ... actions promised in responses completed by their due date";
-- the committee pack's overdue list (seed 003 s9.3: "outstanding actions will be tracked and
-- actioned promptly"; seed 000 s8.11).
--
-- overdue_promised_actions (count; none, stage): promised actions with a due date before X and not
-- completed on or before X, where X = the period end, or the data cut when that is earlier. An
-- action due on X itself is not yet overdue. A position at X, like overdue_n: the year-to-date
-- figure is the last period's.

with

as_of as (
    select period_kind, period, least(period_end, $data_cut) as as_of_date
    from measure_period
    where period_start <= $data_cut
),

overdue as (
    select
        a.period_kind,
        a.period,
        case when grouping(p.stage_text) = 0 then 'stage' else 'none' end as breakdown,
        coalesce(p.stage_text, 'all') as breakdown_value,
        count(*) as actions
    from (
        select *, coalesce(stage::varchar, 'unknown') as stage_text
        from promised_action
        where landlord_id = $landlord_id
    ) as p
    inner join as_of as a
        on p.due_date < a.as_of_date
        and coalesce(p.completed_date, date '9999-12-31') > a.as_of_date
    group by grouping sets ((a.period_kind, a.period), (a.period_kind, a.period, p.stage_text))
),

final as (
    select
        period_kind,
        period,
        'overdue_promised_actions' as measure,
        breakdown,
        breakdown_value,
        'all' as view,
        actions as numerator,
        null::double as denominator,
        'count' as unit
    from overdue
)

select * from final
