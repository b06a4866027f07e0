-- % of notifiable events with the Scottish Housing Regulator's notification recorded.
-- Seed 003 s21.2: for a notifiable event (a serious complaint against senior staff in Scotland)
-- "the Regulator must be informed immediately"; design.md section 4 complaint.notifiable_event.
--
-- Denominator: the notifiable_events population (complaints by their first stage received in the
-- period with notifiable_event = true, whatever their handling). Numerator: those with
-- regulator_notified_date recorded.

with

monthly as (
    select
        date_trunc('month', received_date)::date as month,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
        count(*) filter (where regulator_notified) as notified,
        count(*) as complaints
    from stage_timeliness
    where notifiable_event
        and (stage = 1 or not has_stage1)
        and received_date between $year_start and $year_end
    group by grouping sets ((month), (month, regime))
),

final as (
    select
        pm.period_kind,
        pm.period,
        'notifiable_events_notified' as measure,
        m.breakdown,
        m.breakdown_value,
        'all' as view,
        sum(m.notified) as numerator,
        sum(m.complaints) as denominator,
        'percent' as unit
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
