-- Mean and median working days from a stage's receipt to its response, per regime and stage.
-- design.md section 6 "Timeliness: mean and median of wd(stage received, responded) over the
-- responded stages (median of an even count = mean of the middle two), per regime and stage", a
-- management measure, so counted "by the date the stage was received" (section 6, populations).
--
-- Counted stages received in the period and responded to by the data cut (a stage still open at the
-- cut is not in the figure yet, so a recent period's figure can still grow). wd(a, b) counts working days d with a < d <= b in the
-- stage's regime (pipeline/calendar.py). wd is a small whole number, so the family counts stages
-- per month and wd value (a histogram), rolls the months up to each period and reads the median off
-- the cumulative counts: the value at 1-based position k is the smallest wd whose cumulative count
-- reaches k; the median is the mean of positions (n + 1) // 2 and n // 2 + 1 (the same position
-- when n is odd, the middle two when n is even).

with

histogram as (
    select
        date_trunc('month', received_date)::date as month,
        stage,
        regime,
        wd_to_response as wd,
        count(*) as stages
    from stage_timeliness
    where counted
        and wd_to_response is not null
        and received_date between $year_start and $year_end
        and responded_date <= $data_cut
    group by all
),

by_regime as (
    select pm.period_kind, pm.period, h.stage, 'regime' as breakdown, h.regime as breakdown_value,
        h.wd, sum(h.stages) as stages
    from histogram as h
    inner join period_month as pm on pm.month = h.month
    group by all
),

by_period as (
    select * from by_regime
    union all
    select period_kind, period, stage, 'none', 'all', wd, sum(stages)
    from by_regime
    group by all
),

cumulative as (
    select
        *,
        sum(stages) over (
            partition by period, stage, breakdown, breakdown_value order by wd
        ) as up_to,
        sum(stages) over (partition by period, stage, breakdown, breakdown_value) as responded
    from by_period
),

per_group as (
    select
        period_kind,
        period,
        stage,
        breakdown,
        breakdown_value,
        sum(wd * stages) as wd_total,
        max(responded) as responded,
        (
            min(wd) filter (where up_to >= (responded + 1) // 2)
            + min(wd) filter (where up_to >= responded // 2 + 1)
        ) / 2 as wd_median
    from cumulative
    group by all
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
