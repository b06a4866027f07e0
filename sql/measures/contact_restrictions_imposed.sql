-- Contact restrictions imposed under the landlord's unreasonable-behaviour policy.
-- Seed 000 s13.4 (restrictions "appropriate to their needs", Equality Act 2010), seed 002 s8.0,
-- seed 003 s23.4-23.6 ("commit to review any decision to restrict contact"); design.md section 6
-- "Where this page is silent, build what ... a regulator would expect".
--
-- contact_restriction rows imposed in the period (imposed_date), by kind.

with

counts as (
    select
        pd.period_kind,
        pd.period,
        case when grouping(r.restriction_kind) = 0 then 'kind' else 'none' end as breakdown,
        coalesce(r.restriction_kind, 'all') as breakdown_value,
        count(*) as restrictions
    from contact_restriction as r
    inner join period_day as pd on pd.day = r.imposed_date
    where r.landlord_id = $landlord_id
    group by grouping sets (
        (pd.period_kind, pd.period), (pd.period_kind, pd.period, r.restriction_kind)
    )
),

final as (
    select
        period_kind,
        period,
        'contact_restrictions_imposed' as measure,
        breakdown,
        breakdown_value,
        'all' as view,
        restrictions as numerator,
        'count' as unit
    from counts
)

select * from final
