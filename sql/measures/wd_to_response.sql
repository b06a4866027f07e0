-- Mean and median working days from a stage's receipt to its response, per regime and stage.
-- design.md section 6 "Timeliness: mean and median of wd(stage received, responded) over the
-- responded stages (median of an even count = mean of the middle two), per regime and stage".
--
-- Counted stages responded to in the period. wd(a, b) counts working days d with a < d <= b in the
-- stage's regime (pipeline/calendar.py). quantile_cont(0.5) interpolates, so an even count gives the
-- mean of the middle two. The median is not additive, so this family groups per period directly.

with

stages as (
    select pd.period_kind, pd.period, s.stage, s.regime, s.wd_to_response
    from stage_timeliness as s
    inner join period_day as pd on pd.day = s.responded_date
    where s.counted and s.wd_to_response is not null
),

per_group as (
    select
        period_kind,
        period,
        stage,
        case when grouping(regime) = 0 then 'regime' else 'none' end as breakdown,
        coalesce(regime, 'all') as breakdown_value,
        sum(wd_to_response) as wd_total,
        count(*) as responded,
        quantile_cont(wd_to_response, 0.5) as wd_median
    from stages
    group by grouping sets ((period_kind, period, stage), (period_kind, period, stage, regime))
),

final as (
    select
        period_kind, period, 'wd_to_response_mean_' || stage as measure, breakdown,
        breakdown_value, 'all' as view, wd_total as numerator, responded as denominator,
        null::double as value, 'wd' as unit
    from per_group
    union all
    select
        period_kind, period, 'wd_to_response_median_' || stage, breakdown, breakdown_value,
        'all', null, responded, wd_median, 'wd'
    from per_group
)

select * from final
