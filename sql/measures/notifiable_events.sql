-- Notifiable events: serious complaints about senior staff in Scotland, which the Scottish Housing
-- Regulator must be told of.
-- design.md section 4 complaint.notifiable_event ("Scotland: serious complaint against senior
-- staff"); seed 003 s21.2: "a serious complaint against senior staff in Scotland is a 'notifiable
-- event', and as such the Regulator must be informed immediately".
--
-- Complaints (first stage: stage 1, or the stage 2 of a complaint with no stage 1) received in the
-- period with notifiable_event = true, whether or not the complaint was refused or excluded: the duty
-- to notify the Regulator does not depend on how the complaint is handled. By regime.

with

monthly as (
    select
        date_trunc('month', received_date)::date as month,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
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
        'notifiable_events' as measure,
        m.breakdown,
        m.breakdown_value,
        'all' as view,
        sum(m.complaints) as numerator,
        'count' as unit
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
