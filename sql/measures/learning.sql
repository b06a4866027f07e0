-- Learning from complaints: service improvements by theme, actions promised in responses, root causes.
-- design.md section 6 "Learning: service improvements by theme, linked complaints, completed vs due;
-- actions promised in responses completed by their due date; root causes where recorded".
--
-- learning_actions: raised in the period; learning_linked_complaints: their linked complaint ids;
-- learning_actions_completed: completed in the period; learning_actions_completed_by_due and
-- promised_actions_on_time: due in the period and on or before the data cut, completed on or
-- before the due date (an action due after the cut cannot be judged yet: not done is not late,
-- as for Ombudsman orders in ombudsman_orders_complied_by_due.sql).
-- root_cause: complaints (first counted stage) received in the period, by root cause where recorded.
-- root_cause_recorded: of those complaints, % with a root cause recorded (0% when none is; [U] only
-- when there are no complaints).

with

actions as (
    select *
    from learning_action
    where landlord_id = $landlord_id
),

-- an action counts on three dates: when raised, when due and when completed
action_days as (
    select 'raised' as event, raised_date as day, * from actions
    union all
    select 'due', due_date, * from actions
    where due_date <= $data_cut
    union all
    select 'completed', completed_date, * from actions
),

action_counts as (
    select
        a.event,
        pd.period_kind,
        pd.period,
        case when grouping(a.theme) = 0 then 'theme' else 'none' end as breakdown,
        coalesce(a.theme, 'all') as breakdown_value,
        count(*) as actions,
        sum(coalesce(len(a.linked_complaint_ids), 0)) as linked,
        count(*) filter (where a.completed_date <= a.due_date) as on_time
    from action_days as a
    inner join period_day as pd on pd.day = a.day
    group by grouping sets (
        (a.event, pd.period_kind, pd.period),
        (a.event, pd.period_kind, pd.period, a.theme)
    )
),

-- by stage and by the country of the complaint that promised it (one complaint row per id, so
-- the join adds no action): the Code self-assessment (6.6, 6.17, 7.3) of a landlord in England
-- and Scotland quotes England's actions alone
promised as (
    select
        pd.period_kind,
        pd.period,
        case
            when grouping(p.regime) = 0 and grouping(p.stage_text) = 0 then 'regime|stage'
            when grouping(p.regime) = 0 then 'regime'
            when grouping(p.stage_text) = 0 then 'stage'
            else 'none'
        end as breakdown,
        case
            when grouping(p.regime) = 0 and grouping(p.stage_text) = 0
                then p.regime || '|' || p.stage_text
            else coalesce(p.regime, p.stage_text, 'all')
        end as breakdown_value,
        count(*) filter (where p.completed_date <= p.due_date) as on_time,
        count(*) as due
    from (
        select
            a.*,
            coalesce(a.stage::varchar, 'unknown') as stage_text,
            coalesce(c.regime, 'unknown') as regime
        from promised_action as a
        left join (select * from complaint where landlord_id = $landlord_id) as c
            on c.complaint_id = a.complaint_id
        where a.landlord_id = $landlord_id and a.due_date <= $data_cut
    ) as p
    inner join period_day as pd on pd.day = p.due_date
    group by grouping sets (
        (pd.period_kind, pd.period),
        (pd.period_kind, pd.period, p.stage_text),
        (pd.period_kind, pd.period, p.regime),
        (pd.period_kind, pd.period, p.regime, p.stage_text)
    )
),

first_stages as (
    select
        date_trunc('month', received_date)::date as month,
        root_cause,
        count(*) as complaints
    from stage_timeliness
    where counted
        and (stage = 1 or not has_stage1)
        and received_date between $year_start and $year_end
    group by all
),

-- counted by month and raw root cause first (a few hundred groups), then trimmed and rolled up
root_causes as (
    select
        pm.period_kind,
        pm.period,
        nullif(trim(f.root_cause), '') as root_cause,
        sum(f.complaints)::bigint as complaints
    from first_stages as f
    inner join period_month as pm on pm.month = f.month
    group by all
),

final as (
    select
        period_kind, period, 'learning_actions' as measure, breakdown, breakdown_value,
        'all' as view, actions as numerator, null::bigint as denominator, 'count' as unit
    from action_counts
    where event = 'raised'
    union all
    select period_kind, period, 'learning_linked_complaints', breakdown, breakdown_value, 'all',
        linked, null, 'count'
    from action_counts
    where event = 'raised'
    union all
    select period_kind, period, 'learning_actions_completed_by_due', breakdown, breakdown_value,
        'all', on_time, actions, 'percent'
    from action_counts
    where event = 'due'
    union all
    select period_kind, period, 'learning_actions_completed', breakdown, breakdown_value, 'all',
        actions, null, 'count'
    from action_counts
    where event = 'completed'
    union all
    select period_kind, period, 'promised_actions_on_time', breakdown, breakdown_value, 'all',
        on_time, due, 'percent'
    from promised
    union all
    select period_kind, period, 'root_cause', 'root_cause', root_cause, 'all', complaints, null,
        'count'
    from root_causes
    where root_cause is not null
    union all
    select period_kind, period, 'root_cause_recorded', 'none', 'all', 'all',
        -- coalesce: with no root cause recorded the share is 0 of n, not [U] (a sum over no rows
        -- is null; [U] is for a zero denominator only, design.md s6)
        coalesce(sum(complaints) filter (where root_cause is not null), 0), sum(complaints),
        'percent'
    from root_causes
    group by all
)

select * from final
