-- Service improvements past their due date and not completed at the period end.
-- design.md section 6 "Learning: service improvements by theme, linked complaints, completed vs
-- due"; the committee pack's overdue list (seed 000 s8.11: actions "must be tracked"; seed 003 s26.2).
--
-- overdue_learning_actions (count; none, theme): learning actions with a due date before X and not
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
        case when grouping(l.theme) = 0 then 'theme' else 'none' end as breakdown,
        coalesce(l.theme, 'all') as breakdown_value,
        count(*) as actions
    from learning_action as l
    inner join as_of as a
        on l.due_date < a.as_of_date
        and coalesce(l.completed_date, date '9999-12-31') > a.as_of_date
    where l.landlord_id = $landlord_id
    group by grouping sets ((a.period_kind, a.period), (a.period_kind, a.period, l.theme))
),

final as (
    select
        period_kind,
        period,
        'overdue_learning_actions' as measure,
        breakdown,
        breakdown_value,
        'all' as view,
        actions as numerator,
        null::double as denominator,
        'count' as unit
    from overdue
)

select * from final
