-- Group figures: every member landlord's measure rows combined into one row per measure, period,
-- breakdown and view (design.md section 6: "Combined figures add numerators and denominators (or
-- weighted counts), never average percentages"; section 7: one figure, one row).
--
-- Reads the group's `measures` view (pipeline/group_views.py: every member's rows, read only) and
-- returns rows shaped like the measures table with landlord_id = $group_id. Counts and money add up;
-- percentages, per-1,000 rates and working-day means are the summed numerator over the summed
-- denominator (per-1,000: the members' year-end homes added); a zero or missing denominator gives
-- no value and '[U]', and so does a count or sum of money that any member does not know ('[U]'). Displayed as sql/measures/_finalise.sql does: whole counts as integers, money
-- to 2 dp, everything else rounded half up (round_half_up macro) to 1 dp.
-- Figures that cannot be combined from members' rows are left out: medians, margins of error,
-- precision bands, flags, stages, labels and the sector benchmarks.
-- Parameters: $group_id.

with

combinable as (
    select *
    from measures
    where unit in ('count', 'gbp', 'percent', 'per_1000', 'wd')
        and measure not like '%median%'
        and measure not like '%margin_of_error%'
        and measure not like 'benchmark\_%' escape '\'
        and measure <> 'TP09_required_precision'
),

summed as (
    select
        period_kind,
        period,
        min(period_start) as period_start,
        max(period_end) as period_end,
        measure,
        breakdown,
        breakdown_value,
        view,
        unit,
        -- a count or sum a member does not know ([U]) leaves the group's not known: adding
        -- nothing for it would show a false figure
        case
            when unit in ('count', 'gbp') and count(numerator) < count(*) then null
            else sum(numerator)
        end as numerator,
        sum(denominator) as denominator,
        count(distinct group_landlord) as members
    from combinable
    group by period_kind, period, measure, breakdown, breakdown_value, view, unit
),

valued as (
    select
        *,
        case
            when unit in ('count', 'gbp') then numerator
            when denominator > 0 and unit = 'percent' then numerator / denominator * 100
            when denominator > 0 and unit = 'per_1000' then numerator / denominator * 1000
            when denominator > 0 and unit = 'wd' then numerator / denominator
        end as value
    from summed
),

final as (
    select
        $group_id as landlord_id,
        period_kind,
        period,
        period_start,
        period_end,
        measure,
        breakdown,
        breakdown_value,
        view,
        numerator,
        denominator,
        value,
        case
            when value is null then '[U]'
            when unit = 'count' and value = round(value) then printf('%d', value::bigint)
            when unit = 'gbp' then printf('%.2f', round_half_up(value, 2))
            else printf('%.1f', round_half_up(value, 1))
        end as display,
        unit,
        members
    from valued
)

select * from final
