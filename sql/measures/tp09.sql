-- TP09 satisfaction with the landlord's approach to complaints handling, with its precision.
-- design.md section 6 "TP09".
--
-- Survey responses dated in the period, per stock type; among made_complaint_12m = yes and one of
-- the five answers (don't know or blank excluded): weighted (very + fairly satisfied) / weighted
-- five answers x 100. Counts per answer unweighted (TP09_n_*) and weighted (TP09_w_*); the
-- RSH filter question's respondents, weighted as the RSH publishes them: made a complaint in the
-- last 12 months yes / no (TP09_complained_yes / _no: the return's TP09_Filter_Yes, TP09_Fiter_No).
-- Margin of error (95%, percentage points) with the finite population correction:
--   1.96 x sqrt(p (1 - p) / n) x sqrt((N - n) / (N - 1)) x 100
-- TP09_margin_of_error: p = TP09, n = TP09 respondents. The RSH precision test is a property of the
-- whole survey sample at p = 0.5 (TP09_survey_margin_of_error, n = every response); required
-- precision by homes N: < 2,500 +-5, 2,500-9,999 +-4, 10,000-24,999 +-3, >= 25,000 +-2.
-- N = landlord.yaml tp09_population (default the stock). 'combined' adds counts and populations.

with

responses as (
    select
        pd.period_kind,
        pd.period,
        r.stock_type,
        r.made_complaint_12m = 'yes' as complained,
        r.made_complaint_12m = 'no' as not_complained,
        r.answer,
        r.weight
    from tp09_response as r
    inner join period_day as pd on pd.day = r.survey_date
    where r.landlord_id = $landlord_id
        and r.regime = 'eng'  -- the TSMs are England's (a survey file may hold Scottish homes too)
),

per_type as (
    select
        period_kind,
        period,
        stock_type,
        count(*) filter (where complained and answer = 'very_satisfied') as n_very_satisfied,
        count(*) filter (where complained and answer = 'fairly_satisfied') as n_fairly_satisfied,
        count(*) filter (where complained and answer = 'neither') as n_neither,
        count(*) filter (
            where complained and answer = 'fairly_dissatisfied'
        ) as n_fairly_dissatisfied,
        count(*) filter (where complained and answer = 'very_dissatisfied') as n_very_dissatisfied,
        count(*) filter (
            where complained and answer is distinct from 'very_satisfied'
            and answer is distinct from 'fairly_satisfied' and answer is distinct from 'neither'
            and answer is distinct from 'fairly_dissatisfied'
            and answer is distinct from 'very_dissatisfied'
        ) as n_dont_know,
        sum(weight) filter (where complained and answer = 'very_satisfied') as w_very_satisfied,
        sum(weight) filter (where complained and answer = 'fairly_satisfied') as w_fairly_satisfied,
        sum(weight) filter (where complained and answer = 'neither') as w_neither,
        sum(weight) filter (
            where complained and answer = 'fairly_dissatisfied'
        ) as w_fairly_dissatisfied,
        sum(weight) filter (
            where complained and answer = 'very_dissatisfied'
        ) as w_very_dissatisfied,
        sum(weight) filter (where complained) as complained_yes,
        sum(weight) filter (where not_complained) as complained_no,
        count(*) as survey_respondents
    from responses
    group by all
),

grid as (
    select p.period_kind, p.period, t.stock_type, t.population
    from measure_period as p
    inner join tp09_population as t on p.period_start between t.year_start and t.year_end
),

filled as (
    select
        g.period_kind,
        g.period,
        g.stock_type,
        g.population,
        coalesce(c.n_very_satisfied, 0) as n_very_satisfied,
        coalesce(c.n_fairly_satisfied, 0) as n_fairly_satisfied,
        coalesce(c.n_neither, 0) as n_neither,
        coalesce(c.n_fairly_dissatisfied, 0) as n_fairly_dissatisfied,
        coalesce(c.n_very_dissatisfied, 0) as n_very_dissatisfied,
        coalesce(c.n_dont_know, 0) as n_dont_know,
        coalesce(c.w_very_satisfied, 0) as w_very_satisfied,
        coalesce(c.w_fairly_satisfied, 0) as w_fairly_satisfied,
        coalesce(c.w_neither, 0) as w_neither,
        coalesce(c.w_fairly_dissatisfied, 0) as w_fairly_dissatisfied,
        coalesce(c.w_very_dissatisfied, 0) as w_very_dissatisfied,
        coalesce(c.complained_yes, 0) as complained_yes,
        coalesce(c.complained_no, 0) as complained_no,
        coalesce(c.survey_respondents, 0) as survey_respondents
    from grid as g
    left join per_type as c on c.period = g.period and c.stock_type = g.stock_type
),

with_combined as (
    select * from filled
    union all
    select
        period_kind,
        period,
        'combined',
        sum(population),
        sum(n_very_satisfied),
        sum(n_fairly_satisfied),
        sum(n_neither),
        sum(n_fairly_dissatisfied),
        sum(n_very_dissatisfied),
        sum(n_dont_know),
        sum(w_very_satisfied),
        sum(w_fairly_satisfied),
        sum(w_neither),
        sum(w_fairly_dissatisfied),
        sum(w_very_dissatisfied),
        sum(complained_yes),
        sum(complained_no),
        sum(survey_respondents)
    from filled
    group by period_kind, period
),

stats as (
    select
        *,
        n_very_satisfied + n_fairly_satisfied + n_neither + n_fairly_dissatisfied
        + n_very_dissatisfied as respondents,
        w_very_satisfied + w_fairly_satisfied as w_satisfied,
        w_very_satisfied + w_fairly_satisfied + w_neither + w_fairly_dissatisfied
        + w_very_dissatisfied as w_answered
    from with_combined
),

precision as (
    select
        *,
        w_satisfied / nullif(w_answered, 0) as p,
        sqrt(greatest(population - respondents, 0) / nullif(population - 1, 0)) as fpc,
        sqrt(greatest(population - survey_respondents, 0) / nullif(population - 1, 0))
            as survey_fpc,
        case
            when population < 2500 then 5
            when population < 10000 then 4
            when population < 25000 then 3
            else 2
        end as required_precision
    from stats
),

margins as (
    select
        *,
        1.96 * sqrt(p * (1 - p) / nullif(respondents, 0)) * fpc * 100 as margin_of_error,
        1.96 * sqrt(0.25 / nullif(survey_respondents, 0)) * survey_fpc * 100
            as survey_margin_of_error
    from precision
),

answer_counts as (
    unpivot margins
    on
        n_very_satisfied,
        n_fairly_satisfied,
        n_neither,
        n_fairly_dissatisfied,
        n_very_dissatisfied,
        n_dont_know,
        w_very_satisfied,
        w_fairly_satisfied,
        w_neither,
        w_fairly_dissatisfied,
        w_very_dissatisfied,
        respondents,
        complained_yes,
        complained_no,
        survey_respondents
    into name answer value answer_count
),

final as (
    select
        period_kind, period, 'TP09' as measure, 'stock_type' as breakdown,
        stock_type as breakdown_value, 'regulator' as view, w_satisfied as numerator,
        w_answered as denominator, null::double as value, 'percent' as unit
    from margins
    union all
    select
        period_kind, period, 'TP09_' || answer, 'stock_type', stock_type, 'regulator',
        answer_count, null, null, 'count'
    from answer_counts
    union all
    select
        period_kind, period, 'TP09_margin_of_error', 'stock_type', stock_type, 'regulator',
        null, respondents, margin_of_error, 'percent'
    from margins
    union all
    select
        period_kind, period, 'TP09_survey_margin_of_error', 'stock_type', stock_type,
        'regulator', null, survey_respondents, survey_margin_of_error, 'percent'
    from margins
    union all
    select
        period_kind, period, 'TP09_required_precision', 'stock_type', stock_type, 'regulator',
        null, population, required_precision, 'percent'
    from margins
    union all
    select
        period_kind, period, 'TP09_meets_rsh_precision', 'stock_type', stock_type, 'regulator',
        null, null,
        case when survey_margin_of_error is not null then
            (survey_margin_of_error <= required_precision)::int
        end,
        'flag'
    from margins
)

select * from final
