-- Contact restrictions in force past their review date without a review.
-- Seed 003 s23.4: where contact is restricted "we ... commit to review any decision to restrict
-- contact with us"; seed 000 s13.4 (restrictions must stay appropriate to the resident's needs);
-- design.md's opening rule (where it is silent, build what a regulator would expect) and the
-- period-end rule of section 6 ("open complaints ... at period end").
--
-- At X = the period end (or the data cut when earlier): restrictions in force at X (imposed on or
-- before X, not ended by X) whose review_due_date is before X and that have no review by X
-- (reviewed_date null or after X). By kind.

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
        and r.review_due_date < a.as_of_date
        and coalesce(r.reviewed_date, date '9999-12-31') > a.as_of_date
    where r.landlord_id = $landlord_id
    group by grouping sets (
        (a.period_kind, a.period), (a.period_kind, a.period, r.restriction_kind)
    )
),

final as (
    select
        period_kind,
        period,
        'contact_restrictions_review_overdue' as measure,
        breakdown,
        breakdown_value,
        'all' as view,
        restrictions as numerator,
        'count' as unit
    from counts
)

select * from final
