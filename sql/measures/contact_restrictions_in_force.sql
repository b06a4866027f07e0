-- Contact restrictions in force at the period end.
-- Seed 003 s23.4-23.6 and seed 000 s13.4 (restrictions on contact under the unreasonable-behaviour
-- policy); the date rule of open_ageing.sql (design.md section 6 "at period end").
--
-- A restriction is in force at date X when imposed on or before X and not ended by X (ended_date
-- null or after X). X = the period end, or the data cut when that is earlier; periods starting
-- after the cut have no row. By kind.

with

as_of as (
    select period_kind, period, least(period_end, $data_cut) as as_of_date
    from measure_period
    where period_start <= $data_cut
),

counts as (
    select
        a.period_kind,
        a.period,
        case when grouping(r.restriction_kind) = 0 then 'kind' else 'none' end as breakdown,
        coalesce(r.restriction_kind, 'all') as breakdown_value,
        count(*) as restrictions
    from as_of as a
    inner join contact_restriction as r
        on r.imposed_date <= a.as_of_date
        and coalesce(r.ended_date, date '9999-12-31') > a.as_of_date
    where r.landlord_id = $landlord_id
    group by grouping sets (
        (a.period_kind, a.period), (a.period_kind, a.period, r.restriction_kind)
    )
),

final as (
    select
        period_kind,
        period,
        'contact_restrictions_in_force' as measure,
        breakdown,
        breakdown_value,
        'all' as view,
        restrictions as numerator,
        'count' as unit
    from counts
)

select * from final
