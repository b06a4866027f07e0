-- Open complaint stages and those past their deadline at the period end, in ageing bands.
-- design.md section 6 "Timeliness: open complaints past deadline at period end (ageing bands)".
--
-- A counted stage is open at date X when received on or before X and not closed by X (closed = the
-- response, or for a withdrawn / discontinued stage the complaint's closure). X = the period end, or
-- the data cut when that is earlier (nothing is known after the cut). Age = wd(received, X); past
-- deadline = X after the management extended deadline; bands of wd(deadline, X) (a weekend day
-- just after the deadline is overdue by 0 WD and falls in the first band).
--
-- Each stage's deadline comes from its own regime's timescales (stage_timeliness joins the policy
-- timescales on the regime), so a Scottish stage is overdue against the SPSO-based policy limits and
-- an English one against the Code-based limits. Rows by `regime` and `regime|band` let a landlord
-- with homes in both countries show them apart (issue 21): one mixed count hides which regime's
-- deadlines are being missed.

with

as_of as (
    select period_kind, period, least(period_end, $data_cut) as as_of_date
    from measure_period
    where period_start <= $data_cut
),

as_of_dates as (
    select distinct as_of_date from as_of
),

-- as_of_ceil_idx: index of the first working day on or after the date, so that
-- as_of_date > deadline exactly when as_of_ceil_idx > deadline index (sql/staging/stage_timeliness.sql)
as_of_index as (
    select
        d.as_of_date,
        c.regime_no,
        c.wd_index as as_of_idx,
        c.wd_index + (not c.is_working)::int as as_of_ceil_idx
    from as_of_dates as d
    inner join wd_calendar as c on c.day = d.as_of_date
),

open_stages as (
    select
        a.as_of_date,
        s.stage,
        s.regime,
        a.as_of_idx - s.received_idx as age_wd,
        a.as_of_ceil_idx > s.mgt_extended_idx as overdue,
        a.as_of_idx - s.mgt_extended_idx as overdue_wd
    from stage_timeliness as s
    inner join as_of_index as a
        on a.regime_no = s.regime_no
        and s.received_date <= a.as_of_date
        and coalesce(s.stage_closed_date, date '9999-12-31') > a.as_of_date
    where s.counted
        -- implied by the join; lets the scan skip the stages closed before the first as-of date
        -- or received after the last, before the range join pairs each stage with every date
        and s.received_date <= (select max(as_of_date) from as_of_dates)
        and coalesce(s.stage_closed_date, date '9999-12-31')
        > (select min(as_of_date) from as_of_dates)
),

banded as (
    select
        as_of_date,
        stage,
        regime,
        case
            when age_wd <= 5 then '0-5'
            when age_wd <= 10 then '6-10'
            when age_wd <= 20 then '11-20'
            when age_wd <= 40 then '21-40'
            else '41+'
        end as age_band,
        case
            when overdue is not true then null
            when overdue_wd <= 5 then '1-5'
            when overdue_wd <= 10 then '6-10'
            when overdue_wd <= 20 then '11-20'
            else '21+'
        end as overdue_band
    from open_stages
),

counts as (
    select
        as_of_date, 'open_' || stage as measure,
        case
            when grouping(regime) = 0 and grouping(age_band) = 0 then 'regime|band'
            when grouping(regime) = 0 then 'regime'
            when grouping(age_band) = 0 then 'band'
            else 'none'
        end as breakdown,
        case
            when grouping(regime) = 0 and grouping(age_band) = 0 then regime || '|' || age_band
            else coalesce(regime, age_band, 'all')
        end as breakdown_value,
        count(*) as stages
    from banded
    group by grouping sets (
        (as_of_date, stage),
        (as_of_date, stage, age_band),
        (as_of_date, stage, regime),
        (as_of_date, stage, regime, age_band)
    )
    union all
    select
        as_of_date, 'overdue_' || stage,
        case
            when grouping(regime) = 0 and grouping(overdue_band) = 0 then 'regime|band'
            when grouping(regime) = 0 then 'regime'
            when grouping(overdue_band) = 0 then 'band'
            else 'none'
        end,
        case
            when grouping(regime) = 0 and grouping(overdue_band) = 0
                then regime || '|' || overdue_band
            else coalesce(regime, overdue_band, 'all')
        end,
        count(*)
    from banded
    where overdue_band is not null
    group by grouping sets (
        (as_of_date, stage),
        (as_of_date, stage, overdue_band),
        (as_of_date, stage, regime),
        (as_of_date, stage, regime, overdue_band)
    )
),

final as (
    select
        a.period_kind,
        a.period,
        c.measure,
        c.breakdown,
        c.breakdown_value,
        'management' as view,
        c.stages as numerator,
        'count' as unit
    from as_of as a
    inner join counts as c on c.as_of_date = a.as_of_date
)

select * from final
